/**
 * The Kubernetes manifests (deploy/kubernetes): every overlay renders with `kubectl kustomize`, and
 * every object it renders is valid against the Kubernetes API schemas (kubernetes-models; Argo
 * Rollouts' own models for the blue-green objects). On top of the schemas, the rules we promise:
 * every container runs as non-root with a read-only root filesystem and no privilege escalation,
 * serve is probed on /health and /ready, secrets come only from the Secret, and the HPA, PDB and
 * Services select pods that exist.
 *
 * Skips only when kubectl is not installed (CI has it).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../support/product-process.ts';

const KUSTOMIZE_ROOT = join(ROOT, 'deploy', 'kubernetes');
const OVERLAYS = readdirSync(join(KUSTOMIZE_ROOT, 'overlays'));

function kubectlMissing(): string | null {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'kubectl is not installed';
  }
}
const SKIP = kubectlMissing();
if (SKIP !== null && process.env.REQUIRE_OPS_TOOLS === '1') throw new Error(`REQUIRE_OPS_TOOLS is set but ${SKIP}`);

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

function render(path: string): K8sObject[] {
  const text = execFileSync('kubectl', ['kustomize', path], { encoding: 'utf8' });
  return parseAllDocuments(text).map((document) => document.toJS() as K8sObject);
}

/** The kubernetes-models class of an object's apiVersion and kind. */
async function modelOf(object: K8sObject): Promise<new (data: unknown) => { validate(): void }> {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  const module: Record<string, unknown> =
    group === 'argoproj.io'
      ? await import(`@kubernetes-models/argo-rollouts/argoproj.io/${version}/${object.kind}`)
      : await import(group === '' ? `kubernetes-models/${version}/${object.kind}` : `kubernetes-models/${group}/${version}/${object.kind}`);
  const model = module[object.kind] ?? module.default;
  if (typeof model !== 'function') throw new Error(`no model for ${object.apiVersion} ${object.kind}`);
  return model as new (data: unknown) => { validate(): void };
}

interface Container {
  name: string;
  args?: string[];
  securityContext?: { runAsNonRoot?: boolean; readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
  env?: Array<{ name: string; value?: string }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
}
interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean };
  containers: Container[];
}

function podSpecOf(object: K8sObject): PodSpec | null {
  const spec = object.spec as { template?: { spec?: PodSpec }; jobTemplate?: unknown } | undefined;
  return spec?.template?.spec ?? null;
}

describe.skipIf(SKIP !== null)(`Kubernetes manifests${SKIP ? ` — skipped: ${SKIP}` : ''}`, () => {
  it('has the staging and production overlays', () => {
    expect(OVERLAYS.sort()).toEqual(['production', 'staging']);
  });

  for (const overlay of OVERLAYS) {
    describe(overlay, () => {
      const objects = render(join(KUSTOMIZE_ROOT, 'overlays', overlay));

      it('renders objects that each validate against their API schema', async () => {
        expect(objects.length).toBeGreaterThan(10);
        const problems: string[] = [];
        for (const object of objects) {
          const Model = await modelOf(object);
          try {
            new Model(object).validate();
          } catch (error) {
            problems.push(`${object.kind}/${object.metadata.name}: ${(error as Error).message}`);
          }
        }
        expect(problems).toEqual([]);
        // Everything lands in the overlay's namespace.
        expect(new Set(objects.map((object) => object.metadata.namespace))).toEqual(new Set([overlay === 'production' ? 'reservehub' : 'reservehub-staging']));
      });

      it('runs every container as non-root, read-only, without privilege escalation or capabilities', () => {
        const workloads = objects.filter((object) => podSpecOf(object) !== null);
        expect(workloads.map((object) => `${object.kind}/${object.metadata.name}`).sort()).toEqual([
          'Deployment/reservehub-serve',
          'Deployment/reservehub-work',
          'Job/reservehub-migrate',
        ]);
        for (const workload of workloads) {
          const pod = podSpecOf(workload);
          expect(pod?.securityContext?.runAsNonRoot, workload.metadata.name).toBe(true);
          for (const container of pod?.containers ?? []) {
            expect(container.securityContext, `${workload.metadata.name}/${container.name}`).toMatchObject({
              readOnlyRootFilesystem: true,
              allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] },
            });
          }
        }
      });

      it('probes serve on /health and /ready; takes settings from the ConfigMap and secrets only from the Secret', () => {
        const serve = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'reservehub-serve');
        const container = serve ? podSpecOf(serve)?.containers[0] : undefined;
        expect(container?.args).toEqual(['serve']);
        expect(container?.livenessProbe?.httpGet?.path).toBe('/health');
        expect(container?.readinessProbe?.httpGet?.path).toBe('/ready');
        for (const workload of objects.filter((object) => podSpecOf(object) !== null)) {
          for (const each of podSpecOf(workload)?.containers ?? []) {
            expect(each.env ?? [], 'no literal environment values').toEqual([]);
            expect(each.envFrom).toEqual([{ configMapRef: { name: 'reservehub-config' } }, { secretRef: { name: 'reservehub-secrets' } }]);
          }
        }
        const config = objects.find((object) => object.kind === 'ConfigMap');
        const secretLooking = Object.keys(config?.data ?? {}).filter((key) => /SECRET|PASSWORD|TOKEN|PRIVATE|ENCRYPTION|DATABASE_URL|REDIS_URL|SMTP_URL/.test(key));
        expect(secretLooking).toEqual([]);
        expect(objects.some((object) => object.kind === 'Secret'), 'secrets are never committed').toBe(false);
      });

      it('points Services, budgets and autoscalers at workloads that exist, with labels their pods carry', () => {
        const byKindName = new Map(objects.map((object) => [`${object.kind}/${object.metadata.name}`, object]));
        const podLabels = objects
          .map((object) => (object.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template?.metadata?.labels)
          .filter((labels): labels is Record<string, string> => labels !== undefined);
        const selects = (selector: Record<string, string>) =>
          podLabels.some((labels) => Object.entries(selector).every(([key, value]) => labels[key] === value));
        for (const object of objects) {
          const spec = object.spec as { selector?: Record<string, unknown>; scaleTargetRef?: { kind: string; name: string } } | undefined;
          if (object.kind === 'Service') expect(selects(spec?.selector as Record<string, string>), object.metadata.name).toBe(true);
          if (object.kind === 'PodDisruptionBudget') {
            expect(selects((spec?.selector as { matchLabels: Record<string, string> }).matchLabels), object.metadata.name).toBe(true);
          }
          if (object.kind === 'HorizontalPodAutoscaler') {
            const target = spec?.scaleTargetRef;
            expect(byKindName.has(`${target?.kind ?? ''}/${target?.name ?? ''}`), `${object.metadata.name} → ${target?.kind}/${target?.name}`).toBe(true);
          }
        }
      });
    });
  }

  it('production releases the API blue-green: a Rollout over the serve Deployment, promoted by hand after analysis', () => {
    const objects = render(join(KUSTOMIZE_ROOT, 'overlays', 'production'));
    const rollout = objects.find((object) => object.kind === 'Rollout');
    expect(rollout?.spec).toMatchObject({
      workloadRef: { kind: 'Deployment', name: 'reservehub-serve' },
      strategy: { blueGreen: { activeService: 'reservehub', previewService: 'reservehub-preview', autoPromotionEnabled: false } },
    });
    const deployment = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'reservehub-serve');
    // The Rollout owns the pods; the Deployment only lends its template.
    expect(deployment?.spec?.replicas).toBe(0);
    expect(objects.some((object) => object.kind === 'AnalysisTemplate' && object.metadata.name === 'reservehub-success-rate')).toBe(true);
  });
});
