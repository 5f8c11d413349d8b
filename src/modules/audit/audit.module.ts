import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';
import { AuditRepository } from './audit.repository.js';
import { ChangeSignal } from './change-signal.js';
import { AuditService } from './audit.service.js';

/** Global: every module that writes records its writes. */
@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditRepository, AuditService, ChangeSignal],
  exports: [AuditService, ChangeSignal],
})
export class AuditModule {}
