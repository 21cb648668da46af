// This file is part of e-Daftar.  The COPYRIGHT file at the top level of
// this repository contains the full copyright notices and license terms.
//
// Builds the staff app into <repository>/var/mobile/ (served by
// edaftar_mobile's routes at /<database>/mobile/):
//
//   index.html             names the hashed script and style sheet
//   app.<hash>.js, .css    esbuild bundles (minified), with .gz and .br
//   sw.js                  the service worker, with its precache list
//   manifest.webmanifest   relative start_url and scope: one build, any db
//   icons/                 PNG 192 and 512 px (any, maskable), a badge,
//                          drawn here from the same shapes as icon.svg
//   i18n/en.json, ur.json  the string catalogues (en is also in the script)
//   build.json             what was built: version, files, sizes
//
// Usage: npm run build [-- --out <folder>]   (or EDAFTAR_MOBILE_OUT)
import {createHash} from 'node:crypto';
import {
    existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync,
} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {brotliCompressSync, constants, deflateSync, gzipSync} from 'node:zlib';
import * as esbuild from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));
const SRC = join(HERE, 'src');
const ROOT = resolve(HERE, '..', '..', '..');
const outArg = process.argv.indexOf('--out');
const OUT = resolve(outArg > 0 ? process.argv[outArg + 1]
    : process.env.EDAFTAR_MOBILE_OUT || join(ROOT, 'var', 'mobile'));
const THEME = '#0b5d3b';
const BACKGROUND = '#f3f5f4';
const TARGET = ['es2020', 'chrome96', 'firefox96', 'safari15'];

function hashOf(content) {
    // 10 hex digits with at least one digit (the server's test of a name
    // that carries its content's hash)
    const hex = createHash('sha256').update(content).digest('hex');
    for (let i = 0; i + 10 <= hex.length; i++) {
        const part = hex.slice(i, i + 10);
        if (/[0-9]/.test(part)) {
            return part;
        }
    }
    return hex.slice(0, 9) + '0';
}

// PNG icons, drawn without a native dependency: each pixel is the average
// of 4x4 samples of the shapes below (coordinates in 0..1).

function crc32(buffer) {
    let crc = ~0;
    for (const byte of buffer) {
        crc ^= byte;
        for (let k = 0; k < 8; k++) {
            crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
        }
    }
    return ~crc >>> 0;
}

function chunk(type, data) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
}

function png(size, paint) {
    const rows = [];
    const samples = 4;
    for (let y = 0; y < size; y++) {
        const row = Buffer.alloc(1 + size * 4);
        for (let x = 0; x < size; x++) {
            let r = 0, g = 0, b = 0, a = 0;
            for (let sy = 0; sy < samples; sy++) {
                for (let sx = 0; sx < samples; sx++) {
                    const [pr, pg, pb, pa] = paint(
                        (x + (sx + 0.5) / samples) / size,
                        (y + (sy + 0.5) / samples) / size);
                    r += pr * pa;
                    g += pg * pa;
                    b += pb * pa;
                    a += pa;
                }
            }
            const n = samples * samples;
            const offset = 1 + x * 4;
            row[offset] = a ? Math.round(r / a) : 0;
            row[offset + 1] = a ? Math.round(g / a) : 0;
            row[offset + 2] = a ? Math.round(b / a) : 0;
            row[offset + 3] = Math.round((a / n) * 255);
        }
        rows.push(row);
    }
    const header = Buffer.alloc(13);
    header.writeUInt32BE(size, 0);
    header.writeUInt32BE(size, 4);
    header[8] = 8;  // bit depth
    header[9] = 6;  // RGBA
    return Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        chunk('IHDR', header),
        chunk('IDAT', deflateSync(Buffer.concat(rows), {level: 9})),
        chunk('IEND', Buffer.alloc(0)),
    ]);
}

const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const GREEN = rgb(THEME);
const WHITE = [255, 255, 255];

function inRoundedRect(x, y, [x0, y0, x1, y1], radius) {
    if (x < x0 || x > x1 || y < y0 || y > y1) {
        return false;
    }
    const cx = Math.min(Math.max(x, x0 + radius), x1 - radius);
    const cy = Math.min(Math.max(y, y0 + radius), y1 - radius);
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

// The sheet of a letter with three lines of text and a folded corner,
// inside the maskable safe zone (the centre circle of radius 0.4).
const PAGE = [0.31, 0.22, 0.69, 0.78];
const FOLD = 0.11;
const LINES = [[0.37, 0.44, 0.63, 0.48], [0.37, 0.53, 0.63, 0.57],
    [0.37, 0.62, 0.55, 0.66]];

function page(x, y) {
    // 'page', 'line', 'fold' or null at (x, y), in 0..1 of the symbol
    if (!inRoundedRect(x, y, PAGE, 0.03)) {
        return null;
    }
    const [, y0, x1] = PAGE;
    const dx = x1 - x;
    const dy = y - y0;
    if (dx + dy < FOLD) {
        return null;  // the cut corner
    }
    if (dx < FOLD && dy < FOLD) {
        return 'fold';
    }
    for (const [lx0, ly0, lx1, ly1] of LINES) {
        if (x >= lx0 && x <= lx1 && y >= ly0 && y <= ly1) {
            return 'line';
        }
    }
    return 'page';
}

function paintIcon(maskable) {
    return (x, y) => {
        // maskable: full bleed; any: a rounded square with a margin
        const inside = maskable
            || inRoundedRect(x, y, [0.04, 0.04, 0.96, 0.96], 0.2);
        if (!inside) {
            return [0, 0, 0, 0];
        }
        const part = page(x, y);
        if (part === 'page') {
            return [...WHITE, 1];
        }
        if (part === 'fold') {
            return [...rgb('#b7d8c6'), 1];
        }
        return [...GREEN, 1];
    };
}

function paintBadge(x, y) {
    // Monochrome (Android draws the alpha only): the page, lines cut out
    const part = page(0.5 + (x - 0.5) * 0.8, 0.5 + (y - 0.5) * 0.8);
    return part === 'page' || part === 'fold' ? [...WHITE, 1]
        : [0, 0, 0, 0];
}

function svgIcon() {
    const [x0, y0, x1, y1] = PAGE;
    const lines = LINES.map(([a, b, c, d]) => `<rect x="${a * 512}" ` +
        `y="${b * 512}" width="${(c - a) * 512}" height="${(d - b) * 512}" ` +
        `fill="${THEME}"/>`).join('');
    const f = FOLD * 512;
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">` +
        `<rect x="20" y="20" width="472" height="472" rx="102" ` +
        `fill="${THEME}"/>` +
        `<path d="M${x0 * 512} ${y0 * 512}H${x1 * 512 - f}L${x1 * 512} ` +
        `${y0 * 512 + f}V${y1 * 512}H${x0 * 512}Z" fill="#fff"/>` +
        `<path d="M${x1 * 512 - f} ${y0 * 512}V${y0 * 512 + f}H${x1 * 512}Z" ` +
        `fill="#b7d8c6"/>${lines}</svg>\n`;
}

// The build

const files = new Map();  // name -> Buffer
const put = (name, content) => files.set(name,
    Buffer.isBuffer(content) ? content : Buffer.from(content));

async function bundle(entry, extra = {}) {
    const result = await esbuild.build({
        entryPoints: [join(SRC, entry)],
        bundle: true,
        minify: true,
        write: false,
        format: 'esm',
        target: TARGET,
        legalComments: 'none',
        charset: 'utf8',
        loader: {'.json': 'json'},
        logLevel: 'warning',
        metafile: true,
        ...extra,
    });
    return result.outputFiles[0].contents;
}

const ur = JSON.parse(readFileSync(join(SRC, 'i18n', 'ur.json'), 'utf8'));
const en = JSON.parse(readFileSync(join(SRC, 'i18n', 'en.json'), 'utf8'));
for (const key of Object.keys(en)) {
    if (!(key in ur)) {
        console.warn(`build: ur.json lacks ${key}`);
    }
}
put('i18n/en.json', JSON.stringify(en));
put('i18n/ur.json', JSON.stringify(ur));

const css = await bundle('style.css', {format: undefined});
const cssName = `app.${hashOf(css)}.css`;
put(cssName, css);

// The version names the build: the script's content and the rest.
const firstJs = await bundle('main.js', {define: {__BUILD__: '"dev"'}});
const version = hashOf(Buffer.concat([Buffer.from(firstJs), Buffer.from(css),
    files.get('i18n/ur.json')]));
const js = await bundle('main.js', {define: {
    __BUILD__: JSON.stringify(version)}});
const jsName = `app.${hashOf(js)}.js`;
put(jsName, js);

const template = readFileSync(join(SRC, 'index.html'), 'utf8');
put('index.html', template.replace('%JS%', jsName).replace('%CSS%', cssName)
    .replace('%THEME%', THEME));

put('icons/icon-192.png', png(192, paintIcon(false)));
put('icons/icon-512.png', png(512, paintIcon(false)));
put('icons/maskable-192.png', png(192, paintIcon(true)));
put('icons/maskable-512.png', png(512, paintIcon(true)));
put('icons/badge-96.png', png(96, paintBadge));
put('icons/icon.svg', svgIcon());

const manifest = {
    name: 'e-Daftar',
    short_name: 'e-Daftar',
    description: 'Receipts, files, approvals and alerts of e-Daftar, ' +
        'on the phone.',
    id: './',
    start_url: './',
    scope: './',
    display: 'standalone',
    orientation: 'any',
    background_color: BACKGROUND,
    theme_color: THEME,
    lang: 'en',
    dir: 'auto',
    categories: ['productivity', 'business'],
    icons: [
        {src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png',
            purpose: 'any'},
        {src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png',
            purpose: 'any'},
        {src: 'icons/maskable-192.png', sizes: '192x192', type: 'image/png',
            purpose: 'maskable'},
        {src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png',
            purpose: 'maskable'},
        {src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml',
            purpose: 'any'},
    ],
};
put('manifest.webmanifest', JSON.stringify(manifest, null, 2) + '\n');

const precache = ['./', jsName, cssName, 'manifest.webmanifest',
    'i18n/ur.json', 'icons/icon-192.png', 'icons/maskable-192.png',
    'icons/badge-96.png', 'icons/icon.svg'];
const sw = await bundle('sw.js', {define: {
    __VERSION__: JSON.stringify(version),
    __PRECACHE__: JSON.stringify(precache),
}});
put('sw.js', sw);

// Precompressed beside the text files (the server sends them as they are)
const sizes = {};
for (const [name, content] of [...files]) {
    const entry = {bytes: content.length};
    if (/\.(js|css|html|json|webmanifest|svg)$/.test(name)) {
        const gz = gzipSync(content, {level: 9});
        const br = brotliCompressSync(content, {params: {
            [constants.BROTLI_PARAM_QUALITY]: 11,
            [constants.BROTLI_PARAM_SIZE_HINT]: content.length}});
        entry.gzip = gz.length;
        entry.brotli = br.length;
        if (content.length > 1024) {
            files.set(`${name}.gz`, gz);
            files.set(`${name}.br`, br);
        }
    }
    sizes[name] = entry;
}
put('build.json', JSON.stringify({
    version, script: jsName, style: cssName, precache, files: sizes,
    built: new Date().toISOString(),
}, null, 2) + '\n');

// Written beside, then swapped in: a running server never sees half a build.
const next = `${OUT}.new`;
const old = `${OUT}.old`;
rmSync(next, {recursive: true, force: true});
for (const [name, content] of files) {
    const path = join(next, name);
    mkdirSync(dirname(path), {recursive: true});
    writeFileSync(path, content);
}
rmSync(old, {recursive: true, force: true});
if (existsSync(OUT)) {
    renameSync(OUT, old);
}
renameSync(next, OUT);
rmSync(old, {recursive: true, force: true});

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`built ${OUT} (version ${version})`);
for (const name of [jsName, cssName, 'index.html', 'sw.js']) {
    const s = sizes[name];
    console.log(`  ${name.padEnd(26)} ${kb(s.bytes).padStart(9)}  ` +
        `gzip ${kb(s.gzip).padStart(8)}  brotli ${kb(s.brotli).padStart(8)}`);
}
