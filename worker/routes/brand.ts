import { Hono } from 'hono';
import { publicRoute } from '../middleware/access.ts';
import type { AppEnv } from '../types.ts';
import { brandOf } from './me.ts';

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
const initials = (name: string) => name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]!.toUpperCase()).join('') || 'F';

// Icons drawn from the brand's colours and initials, so a brand's installed app is its own
// without a rebuild. The maskable one keeps its mark inside the 80% safe zone.
function iconSvg(bg: string, fg: string, text: string, maskable: boolean): string {
  const size = 512;
  const r = maskable ? 0 : 96;
  const font = maskable ? 170 : 220;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">`
    + `<rect width="${size}" height="${size}" rx="${r}" fill="${escapeXml(bg)}"/>`
    + `<text x="50%" y="50%" dy=".35em" text-anchor="middle" font-family="system-ui, sans-serif" font-weight="700" font-size="${font}" fill="${escapeXml(fg)}">${escapeXml(text)}</text></svg>`;
}

export const brandRoutes = new Hono<AppEnv>()
  .get('/manifest.webmanifest', publicRoute({ summary: 'Web app manifest built from the brand settings' }), async (c) => {
    const brand = await brandOf(c);
    const icons: Array<Record<string, string>> = [
      { src: '/icons/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
      { src: '/icons/maskable.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'maskable' },
    ];
    if (brand.logoUrl) icons.push({ src: brand.logoUrl, sizes: 'any', purpose: 'any' });
    c.header('Content-Type', 'application/manifest+json');
    c.header('Cache-Control', 'no-cache');
    return c.body(JSON.stringify({
      id: '/', name: brand.name, short_name: brand.shortName, start_url: '/', scope: '/', display: 'standalone',
      theme_color: brand.primaryColor, background_color: brand.backgroundColor, lang: brand.locale, icons,
    }));
  })
  .get('/icons/:file{(icon|maskable)\\.svg}', publicRoute({ summary: 'App icons from the brand colours' }), async (c) => {
    const brand = await brandOf(c);
    const maskable = c.req.param('file') === 'maskable.svg';
    c.header('Content-Type', 'image/svg+xml');
    c.header('Cache-Control', 'no-cache');
    return c.body(iconSvg(brand.primaryColor, brand.backgroundColor, initials(brand.shortName), maskable));
  });
