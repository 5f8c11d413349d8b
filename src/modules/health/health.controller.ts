import { Controller, Get, HttpCode } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
  type HealthCheckResult,
} from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Public } from '../../common/auth/auth.decorators.js';
import { ApiProblems } from '../../common/openapi/api-problems.js';

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Get('health')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'getHealth',
    summary: 'Liveness: the process answers (the database is not consulted)',
    description:
      'Answers 200 while the process runs, without consulting the database: for a liveness probe. Needs no token and is never rate-limited; 503 only while the service shuts down.',
  })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  @ApiProblems()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({
    operationId: 'getReadiness',
    summary: 'Readiness: the database answers and every migration is applied',
    description:
      'Answers 200 when the database answers and no migration is pending, 503 otherwise: for a readiness probe or a load balancer. Needs no token and is never rate-limited.',
  })
  @ApiOkResponse({
    schema: { example: { status: 'ok', info: { database: { status: 'up' }, migrations: { status: 'up' } } } },
  })
  @ApiProblems(503)
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.db.pingCheck('database').withTimeout(1500),
      () =>
        this.indicators
          .check('migrations')
          .attempt(async () => {
            if (await this.dataSource.showMigrations()) throw new Error('migrations are pending');
          })
          .withTimeout(1500),
    ]);
  }
}
