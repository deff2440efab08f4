/**
 * When each open agent's and tool call's start call returned, so that its duration runs from there
 * to when its end call is made. The start event's timestamp is taken before its fdatasync, so a
 * duration measured from it would charge the work with that fdatasync (62 ms for a 5 ms tool call
 * on a loaded disk). Times come from a clock that only moves forward: performance.now(), or the
 * collector's injected `clock` when it has one (a simulation defines its own time).
 */
export class StartReturns {
  private readonly returnedAt = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  static for(injectedClock: (() => Date) | undefined): StartReturns {
    return new StartReturns(injectedClock ? () => injectedClock().getTime() : () => performance.now());
  }

  returned(key: string): void {
    this.returnedAt.set(key, this.now());
  }

  /**
   * Milliseconds since the start call of `key` returned (to the microsecond); null when it never
   * returned in this process: a call open across a resume, or an end asked for before the start
   * was durable (the async collector allows it). The caller then measures from the start event.
   */
  elapsed(key: string): number | null {
    const at = this.returnedAt.get(key);
    return at === undefined ? null : Math.round(Math.max(0, this.now() - at) * 1000) / 1000;
  }

  ended(key: string): void {
    this.returnedAt.delete(key);
  }
}

export const agentKey = (agentId: string): string => `agent:${agentId}`;
export const toolCallKey = (callId: string): string => `call:${callId}`;
