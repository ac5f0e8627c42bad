/**
 * The galleries' play button (useStepPlayback): toggle stops while playing,
 * needs two frames, rewinds from the last frame before starting, and the
 * timer advances until advance says the end.
 */
import { effectScope } from 'vue';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useStepPlayback } from '../../../renderer/composables/useStepPlayback';

describe('step playback', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(frames: number) {
    let index = 0;
    const rewinds: number[] = [];
    const scope = effectScope();
    const p = scope.run(() => useStepPlayback(() => {
      if (index + 1 >= frames) return false;
      index += 1;
      return true;
    }, 100))!;
    const toggle = () => p.toggle(frames, index, () => {
      rewinds.push(index);
      index = 0;
    });
    return { p, toggle, rewinds, at: () => index, setAt: (i: number) => { index = i; }, scope };
  }

  it('plays to the end and stops there; a toggle while playing stops', () => {
    const t = setup(3);
    t.toggle();
    expect(t.p.playing.value).toBe(true);
    vi.advanceTimersByTime(250);
    expect(t.at()).toBe(2);
    vi.advanceTimersByTime(100);
    expect(t.p.playing.value).toBe(false);
    t.setAt(0);
    t.toggle();
    t.toggle();
    expect(t.p.playing.value).toBe(false);
    vi.advanceTimersByTime(500);
    expect(t.at()).toBe(0);
    expect(t.rewinds).toEqual([]);
  });

  it('rewinds from the last frame before playing, and does nothing with one frame', () => {
    const t = setup(3);
    t.setAt(2);
    t.toggle();
    expect(t.rewinds).toEqual([2]);
    expect(t.p.playing.value).toBe(true);
    const one = setup(1);
    one.toggle();
    expect(one.p.playing.value).toBe(false);
    expect(one.rewinds).toEqual([]);
  });

  it('stops when its scope goes', () => {
    const t = setup(5);
    t.toggle();
    t.scope.stop();
    expect(t.p.playing.value).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(t.at()).toBe(0);
  });
});
