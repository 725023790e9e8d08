import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult } from 'kysely';
import { trace } from '@opentelemetry/api';
import { inSpan, SpanKind } from '../observability/tracing.ts';

/**
 * A dialect whose queries are traced: each query a traced request or job runs becomes a child span
 * `db <operation>` with the parameterized SQL (values are parameters, so no personal data is in
 * it). Queries outside any trace (the worker polling for jobs) make no span of their own.
 */
export function tracedDialect(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => tracedDriver(dialect.createDriver()),
  };
}

const instrumented = new WeakSet<DatabaseConnection>();

function tracedDriver(driver: Driver): Driver {
  return new Proxy(driver, {
    get(target, property) {
      if (property === 'acquireConnection') {
        return async () => {
          const connection = await target.acquireConnection();
          instrument(connection);
          return connection;
        };
      }
      // Bound to the driver itself: drivers keep their state in private fields a proxy cannot reach.
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function instrument(connection: DatabaseConnection): void {
  if (instrumented.has(connection)) return;
  instrumented.add(connection);
  const execute = connection.executeQuery.bind(connection);
  connection.executeQuery = <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
    if (!trace.getActiveSpan()) return execute<R>(query);
    const operation = /^\s*(\w+)/.exec(query.sql)?.[1]?.toLowerCase() ?? 'query';
    return inSpan(
      `db ${operation}`,
      { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'db.operation.name': operation, 'db.query.text': query.sql.slice(0, 2000) } },
      () => execute<R>(query),
    );
  };
}
