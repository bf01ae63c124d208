import type { MarkKindDefinition } from '../../../core/mark-kinds';
import { ClientPage } from './ClientPage';
import { ClientsScreen } from './ClientsScreen';

interface ClientsRouteProps {
  /** A client's page; the list of clients when absent. */
  readonly clientId: string | undefined;
  readonly kinds: readonly MarkKindDefinition[];
}

/**
 * The list and a client's page as one lazily loaded component: going from one to the other does
 * not suspend (a suspended screen is held back by React for up to 300 ms before it shows).
 */
export function ClientsRoute({ clientId, kinds }: ClientsRouteProps) {
  return clientId === undefined ? <ClientsScreen /> : <ClientPage key={clientId} clientId={clientId} kinds={kinds} />;
}
