import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../../common/auth/auth.decorators.js';
import { ApiAuthenticated, ApiProblems } from '../../common/openapi/api-problems.js';
import { AuditService } from './audit.service.js';
import { AuditListDto, ListAuditQueryDto } from './dto/audit.dto.js';

@ApiTags('audit')
@ApiAuthenticated()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequireRole('editor')
  @ApiOperation({
    operationId: 'listAuditEntries',
    summary: 'Every write, newest first: who, when, what, and the changed fields before and after',
    description: 'Append-only in the database. Tokens and token hashes are never recorded. Not opened by PUBLIC_READ.',
  })
  @ApiOkResponse({ type: AuditListDto })
  @ApiProblems(400)
  list(@Query() query: ListAuditQueryDto): Promise<AuditListDto> {
    return this.audit.list(query);
  }
}
