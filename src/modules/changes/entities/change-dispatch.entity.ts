import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** Where the dispatcher is in the changes: the last (xid, id) turned into delivery jobs. One row. */
@Entity({ name: 'change_dispatch' })
@Check('ck_change_dispatch_one', 'id = 1')
export class ChangeDispatchEntity {
  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'pk_change_dispatch' })
  id: number;

  @Column({ name: 'last_xid', type: 'bigint', default: 0 })
  lastXid: string;

  @Column({ name: 'last_id', type: 'bigint', default: 0 })
  lastId: string;
}
