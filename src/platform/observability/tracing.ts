import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';

/**
 * OpenTelemetry tracing, started when an OTLP endpoint is configured. Without one the API's
 * tracer is a no-op and no context is carried, so instrumented code costs next to nothing.
 *
 * The trace of a request runs HTTP → database queries → the jobs it queued: the HTTP server makes
 * its span the active one for the whole request, every query gets a child span (database.ts),
 * `enqueue` stores the active span's `traceparent` with the job, and the worker runs the job in a
 * span whose parent is that stored context. Log lines carry `trace_id` and `span_id` (logger.ts).
 */
export async function startTracing(endpoint: string | undefined, serviceName: string): Promise<() => Promise<void>> {
  if (!endpoint) return async () => undefined;
  const sdk = new NodeSDK({
    serviceName,
    traceExporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }),
  });
  sdk.start();
  return () => sdk.shutdown();
}

export function tracer(): Tracer {
  return trace.getTracer('reservehub');
}

/** The active span's W3C `traceparent`, to store with work that runs later (a job); null when not tracing. */
export function currentTraceparent(): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

/** The context a stored or received `traceparent` names (the root context when there is none). */
export function contextFromTraceparent(traceparent: string | null | undefined, base: Context = ROOT_CONTEXT): Context {
  return traceparent ? propagation.extract(base, { traceparent }) : base;
}

/** Runs `work` in a new span, active for everything it awaits; records a thrown error on the span. */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; parent?: Context },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, ...(options.attributes ? { attributes: options.attributes } : {}) }, parent);
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** `trace_id` and `span_id` of the active span, for log lines; empty when nothing is traced. */
export function activeTraceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const ids = span.spanContext();
  return isSpanContextValid(ids) ? { trace_id: ids.traceId, span_id: ids.spanId } : {};
}

export { SpanKind };
