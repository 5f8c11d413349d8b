import { Module } from '@nestjs/common';
import { ActorsController } from './actors.controller.js';
import { ActorsRepository } from './actors.repository.js';
import { ActorsService } from './actors.service.js';

@Module({
  controllers: [ActorsController],
  providers: [ActorsRepository, ActorsService],
  exports: [ActorsService],
})
export class ActorsModule {}
