import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Role } from '../../../common/auth/roles.js';

@Entity({ name: 'users' })
@Check('ck_users_role', `role IN ('analyst', 'staff', 'editor', 'admin')`)
export class UserEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_users' })
  id: string;

  @Column({ type: 'text', unique: true })
  name: string;

  @Column({ type: 'text' })
  role: Role;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** The hash of the user's read-only feed key (`?key=` on Atom feeds); null until one is issued. */
  @Index('uq_users_feed_key_hash', { unique: true })
  @Column({ name: 'feed_key_hash', type: 'text', nullable: true, select: false })
  feedKeyHash: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ type: 'integer', default: 1 })
  version: number;
}
