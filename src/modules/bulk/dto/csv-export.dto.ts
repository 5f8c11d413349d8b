import { OmitType } from '@nestjs/swagger';
import { ListProposalsQueryDto } from '../../proposals/dto/proposals.dto.js';
import { ListStatementsQueryDto } from '../../statements/dto/statements.dto.js';

/** `GET /statements`'s filters: every page of the list, so no limit or cursor. */
export class StatementsCsvQueryDto extends OmitType(ListStatementsQueryDto, ['limit', 'cursor'] as const) {}

/** `GET /proposals`'s filters: every page of the list, so no limit or cursor. */
export class ProposalsCsvQueryDto extends OmitType(ListProposalsQueryDto, ['limit', 'cursor'] as const) {}
