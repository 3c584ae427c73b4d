/**
 * WCAG 2 contrast of an element's text against what it is drawn on, as the browser computes them: the
 * background is found through the element's transparent ancestors and blended over white.
 */
import type { Locator } from '@playwright/test';

/** WCAG 2 AA for body text. */
export const READABLE = 4.5;

type Rgb = [number, number, number];

/** The element's text colour and its background, opaque, as `[r, g, b]` (0–255). */
async function drawnColors(
  element: Locator
): Promise<{ text: Rgb; background: Rgb }> {
  return element.evaluate(node => {
    const rgba = (css: string): number[] => {
      const channels = css.match(/[\d.]+%?/g);
      if (!channels || channels.length < 3) {
        throw new Error(`not an rgb() colour: ${css}`);
      }
      const alpha = channels[3];
      const opacity =
        alpha === undefined
          ? 1
          : alpha.endsWith('%')
            ? parseFloat(alpha) / 100
            : parseFloat(alpha);
      return [...channels.slice(0, 3).map(parseFloat), opacity];
    };
    const blend = (top: number[], under: number[]): number[] =>
      under.map((channel, i) => top[i] * top[3] + channel * (1 - top[3]));
    const layers: number[][] = [];
    for (let at: Element | null = node; at; at = at.parentElement) {
      const layer = rgba(getComputedStyle(at).backgroundColor);
      if (layer[3] > 0) {
        layers.unshift(layer);
      }
      if (layer[3] >= 1) {
        break;
      }
    }
    const background = layers.reduce(
      (under, layer) => blend(layer, under),
      [255, 255, 255]
    );
    const text = blend(rgba(getComputedStyle(node).color), background);
    return {
      text: text as [number, number, number],
      background: background as [number, number, number]
    };
  });
}

function luminance([red, green, blue]: Rgb): number {
  const linear = (channel: number): number => {
    const value = channel / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue);
}

/** The contrast ratio of the element's text, 1 (none) to 21 (black on white). */
export async function contrastOf(element: Locator): Promise<number> {
  const { text, background } = await drawnColors(element);
  const [lighter, darker] = [luminance(text), luminance(background)].sort(
    (a, b) => b - a
  );
  return (lighter + 0.05) / (darker + 0.05);
}
