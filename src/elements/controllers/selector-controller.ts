// Bridges an XState actor to a Lit host: subscribes while connected and re-renders only when the selected slice changes.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AnyActorRef, SnapshotFrom } from 'xstate';

export class SelectorController<TActor extends AnyActorRef, TSelected> implements ReactiveController {
  private actorRef: TActor | undefined;
  private subscription: { unsubscribe(): void } | undefined;
  private current: TSelected | undefined;
  private readonly host: ReactiveControllerHost;
  private readonly selector: (snapshot: SnapshotFrom<TActor>) => TSelected;
  private readonly equals: (a: TSelected, b: TSelected) => boolean;

  constructor(
    host: ReactiveControllerHost,
    selector: (snapshot: SnapshotFrom<TActor>) => TSelected,
    equals: (a: TSelected, b: TSelected) => boolean = Object.is,
  ) {
    this.host = host;
    this.selector = selector;
    this.equals = equals;
    host.addController(this);
  }

  get value(): TSelected | undefined {
    return this.current;
  }

  /** Points the controller at another actor (or none), e.g. when the host opens a different interview. */
  set actor(actor: TActor | undefined) {
    if (actor === this.actorRef) return;
    this.unsubscribe();
    this.actorRef = actor;
    this.current = actor ? this.selector(actor.getSnapshot()) : undefined;
    if (this.connected) this.subscribe();
    this.host.requestUpdate();
  }

  get actor(): TActor | undefined {
    return this.actorRef;
  }

  private connected = false;

  hostConnected(): void {
    this.connected = true;
    this.subscribe();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.unsubscribe();
  }

  private subscribe(): void {
    if (!this.actorRef || this.subscription) return;
    this.current = this.selector(this.actorRef.getSnapshot());
    this.subscription = this.actorRef.subscribe((snapshot: SnapshotFrom<TActor>) => {
      const next = this.selector(snapshot);
      if (this.current !== undefined && this.equals(this.current, next)) return;
      this.current = next;
      this.host.requestUpdate();
    });
  }

  private unsubscribe(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }
}
