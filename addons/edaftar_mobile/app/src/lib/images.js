/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   Photos of a letter, made smaller on the phone before they are sent: the
   longest side at most 1600 px, JPEG at quality 0.7 (a page stays
   readable; a 12-megapixel photo of 4 MB becomes ~250 KB).  The server
   checks the result as it checks every attachment (content, size). */
export const MAX_SIDE = 1600;
export const QUALITY = 0.7;

async function decode(file) {
    if (window.createImageBitmap) {
        try {
            return await createImageBitmap(file,
                {imageOrientation: 'from-image'});
        } catch (error) {
            // Some formats decode only through an <img>.
        }
    }
    const url = URL.createObjectURL(file);
    try {
        const image = new Image();
        image.decoding = 'async';
        image.src = url;
        await image.decode();
        return image;
    } finally {
        URL.revokeObjectURL(url);
    }
}

export async function compressPhoto(file) {
    const image = await decode(file);
    const width = image.width || image.naturalWidth;
    const height = image.height || image.naturalHeight;
    const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const context = canvas.getContext('2d');
    // A white page under transparent pixels (a PNG screenshot)
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    if (image.close) {
        image.close();
    }
    const blob = await new Promise((resolve, reject) => canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error('toBlob'))),
        'image/jpeg', QUALITY));
    return {blob, width: canvas.width, height: canvas.height,
        original: file.size};
}
