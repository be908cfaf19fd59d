import { CfnResource, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { pascalCase } from '../names.ts';
import {
  TABLES,
  tableName,
  type TableDefinition,
  type TableKey,
} from '../../shared/store/tables.ts';

export interface OmsTablesProps {
  readonly tablePrefix: string;
}

/**
 * One DynamoDB table per entry of `TABLES` (the single definition of names and key schema):
 * on-demand, point-in-time recovery, deletion protection, retained, pinned logical ids.
 */
export class OmsTables extends Construct {
  readonly tables: Readonly<Record<TableKey, ITable>>;

  constructor(scope: Construct, id: string, props: OmsTablesProps) {
    super(scope, id);
    const entries = Object.entries(TABLES) as [TableKey, TableDefinition][];
    const tables = {} as Record<TableKey, ITable>;
    for (const [key, def] of entries) {
      const table = new Table(this, pascalCase(key), {
        tableName: tableName(props.tablePrefix, key),
        partitionKey: { name: def.partitionKey, type: AttributeType.STRING },
        sortKey: { name: def.sortKey, type: AttributeType.STRING },
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: true,
        timeToLiveAttribute: def.timeToLive,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      (table.node.defaultChild as CfnResource).overrideLogicalId(`${pascalCase(key)}Table`);
      tables[key] = table;
    }
    this.tables = tables;
  }
}
