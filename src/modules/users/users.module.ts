import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminBootstrapService } from './admin-bootstrap.service.js';
import { AuthGuard } from './auth.guard.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';
import { TokenCache } from './token-cache.js';

@Module({
  controllers: [UsersController],
  providers: [
    UsersRepository,
    UsersService,
    TokenCache,
    AdminBootstrapService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [UsersService, AdminBootstrapService],
})
export class UsersModule {}
