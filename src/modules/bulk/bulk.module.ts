import { Module } from '@nestjs/common';
import { ProposalsModule } from '../proposals/proposals.module.js';
import { StatementsModule } from '../statements/statements.module.js';
import { CsvExports } from './csv-exports.js';
import { DumpExport } from './dump-export.js';
import { RowImports } from './row-imports.js';
import { ExportController } from './export.controller.js';
import { ImportsController } from './imports.controller.js';

/** Bulk in and out (contract §8): the whole tracker as JSON Lines, and restored; the lists as CSV files. */
@Module({
  imports: [ProposalsModule, StatementsModule],
  controllers: [ExportController, ImportsController],
  providers: [DumpExport, CsvExports, RowImports],
})
export class BulkModule {}
