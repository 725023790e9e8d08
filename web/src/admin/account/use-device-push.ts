import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { adminKeys } from '../admin-keys.ts';
import { adminApi, publicApi } from '../session/session.ts';

/**
 * Booking notices on this device (Web Push): what the browser can do, whether this device is
 * registered for the signed-in member, and turning it on or off. The browser's own push
 * subscription is remembered with the id the server gave it, so "on" means this browser's
 * subscription is the one the server holds for this member (another member may have used the
 * same browser since, or the push service may have dropped it).
 */

/** Why notices cannot be turned on here, or null when they can. */
export type PushUnavailable = 'unsupported' | 'not_configured' | 'denied';

export interface DevicePushState {
  unavailable: PushUnavailable | null;
  /** This device receives the member's notices. */
  on: boolean;
  /** The server's id of this device's subscription while on. */
  subscriptionId: string | null;
}

const STORAGE_KEY = 'reservehub.admin.push';
const WORKER_SCOPE = '/admin/';

interface Remembered {
  endpoint: string;
  id: string;
}

function remembered(): Remembered | null {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    if (typeof value === 'object' && value !== null && 'endpoint' in value && 'id' in value && typeof value.endpoint === 'string' && typeof value.id === 'string') {
      return { endpoint: value.endpoint, id: value.id };
    }
  } catch {
    // Unreadable: as if nothing were remembered.
  }
  return null;
}

function pushSupported(): boolean {
  return typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** The dashboard's worker (registered in builds under /admin/); null where there is none. */
async function workerRegistration(): Promise<ServiceWorkerRegistration | null> {
  if (!pushSupported()) return null;
  return (await navigator.serviceWorker.getRegistration(WORKER_SCOPE)) ?? null;
}

/** The VAPID key as the bytes `PushManager.subscribe` takes. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  const text = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(text.length));
  for (let index = 0; index < text.length; index += 1) bytes[index] = text.charCodeAt(index);
  return bytes;
}

function usePushPublicKey() {
  return useQuery({ queryKey: adminKeys.pushPublicKey, queryFn: () => publicApi.get('/api/v1/push/public-key'), staleTime: Infinity });
}

async function readDeviceState(publicKey: string | null): Promise<DevicePushState> {
  const registration = await workerRegistration();
  if (registration === null) return { unavailable: 'unsupported', on: false, subscriptionId: null };
  if (publicKey === null) return { unavailable: 'not_configured', on: false, subscriptionId: null };
  if (Notification.permission === 'denied') return { unavailable: 'denied', on: false, subscriptionId: null };
  const subscription = await registration.pushManager.getSubscription();
  const mine = remembered();
  if (subscription === null || mine === null || mine.endpoint !== subscription.endpoint) return { unavailable: null, on: false, subscriptionId: null };
  const devices = await adminApi.get('/api/v1/me/push-subscriptions');
  const held = devices.some((device) => device.id === mine.id);
  return { unavailable: null, on: held, subscriptionId: held ? mine.id : null };
}

export function useDevicePush() {
  const queryClient = useQueryClient();
  const key = usePushPublicKey();
  const publicKey = key.data?.public_key ?? null;
  const state = useQuery({
    queryKey: [...adminKeys.devicePush, publicKey],
    queryFn: () => readDeviceState(publicKey),
    enabled: key.isSuccess,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: adminKeys.devicePush });

  const turnOn = useMutation({
    mutationFn: async (): Promise<void> => {
      const registration = await workerRegistration();
      if (registration === null || publicKey === null) throw new Error('push unavailable');
      // Asked only now, on the member's click: browsers refuse (or hide) a prompt nobody asked for.
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') return;
      const subscription =
        (await registration.pushManager.getSubscription()) ??
        (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }));
      const json = subscription.toJSON();
      const saved = await adminApi.post('/api/v1/me/push-subscriptions', {
        body: { endpoint: subscription.endpoint, keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' } },
      });
      localStorage.setItem(STORAGE_KEY, JSON.stringify({ endpoint: subscription.endpoint, id: saved.id }));
    },
    onSettled: refresh,
  });

  const turnOff = useMutation({
    mutationFn: async (): Promise<void> => {
      const id = state.data?.subscriptionId;
      if (id) await adminApi.delete('/api/v1/me/push-subscriptions/{id}', { params: { path: { id } } });
      localStorage.removeItem(STORAGE_KEY);
      const registration = await workerRegistration();
      await (await registration?.pushManager.getSubscription())?.unsubscribe();
    },
    onSettled: refresh,
  });

  return { key, state, turnOn, turnOff };
}
