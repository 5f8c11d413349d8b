import { Module } from '@nestjs/common';
import { DumpExport } from './dump-export.js';
import { ExportController } from './export.controller.js';
import { ImportsController } from './imports.controller.js';

/** Bulk in and out (contract §8): the whole tracker exported as JSON Lines, and restored. */
@Module({
  controllers: [ExportController, ImportsController],
  providers: [DumpExport],
})
export class BulkModule {}
