-- The trace a job belongs to: the W3C `traceparent` of the span that queued it (a request, or
-- another job), so the worker's span for the job continues that trace. Null when tracing is off.
-- Holds two random ids and flags, nothing about the job's subject.
alter table jobs add column trace_context text check (trace_context is null or length(trace_context) <= 128);
