/*
 * images.c: GIF, PNG and JPEG bodies drawn from a seed (images.h).
 *
 * Each format is written by hand, the least of it that a decoder needs:
 * GIF's LZW with a clear code every few pixels (so codes never grow past
 * four bits), PNG with stored (uncompressed) deflate blocks, JPEG as
 * baseline greyscale whose 8 x 8 blocks are flat (a DC coefficient each,
 * every AC coefficient zero). The picture is a grid of 8 x 8 blocks whose
 * colours come from the seed.
 */
#include "images.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct out {
    unsigned char *d;
    size_t         len, cap;
    int            oom;
};

static void put(struct out *o, const void *p, size_t n)
{
    if (o->oom || n == 0) /* nothing to add (and p may be NULL) */
        return;
    if (o->len + n > o->cap) {
        size_t         cap = o->cap ? o->cap * 2 : 1024;
        unsigned char *d;
        while (cap < o->len + n)
            cap *= 2;
        if ((d = realloc(o->d, cap)) == NULL) {
            o->oom = 1;
            return;
        }
        o->d   = d;
        o->cap = cap;
    }
    memcpy(o->d + o->len, p, n);
    o->len += n;
}

static void put8(struct out *o, unsigned v)
{
    unsigned char b = (unsigned char)v;
    put(o, &b, 1);
}

static void put16le(struct out *o, unsigned v)
{
    put8(o, v & 0xff);
    put8(o, (v >> 8) & 0xff);
}

static void put16be(struct out *o, unsigned v)
{
    put8(o, (v >> 8) & 0xff);
    put8(o, v & 0xff);
}

static void put32be(struct out *o, uint32_t v)
{
    put16be(o, v >> 16);
    put16be(o, v & 0xffff);
}

static int done(struct out *o, struct image *img)
{
    if (o->oom) {
        free(o->d);
        return -ENOMEM;
    }
    img->data = o->d;
    img->len  = o->len;
    return 0;
}

/* The colour (or grey) of block (bx, by): a mix of the seed and the block. */
static uint64_t block(uint64_t seed, unsigned bx, unsigned by)
{
    uint64_t z = seed * 0x9e3779b97f4a7c15u + bx * 0xbf58476d1ce4e5b9u + by * 0x94d049bb133111ebu;
    z          = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z          = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* ---- GIF ---------------------------------------------------------------- */

struct lzw {
    struct out   *o;
    unsigned char sub[255]; /* the data sub-block being filled */
    unsigned      nsub;
    uint32_t      bits, nbits;
};

static void lzw_byte(struct lzw *z, unsigned char b)
{
    z->sub[z->nsub++] = b;
    if (z->nsub == sizeof(z->sub)) {
        put8(z->o, z->nsub);
        put(z->o, z->sub, z->nsub);
        z->nsub = 0;
    }
}

/* A code of width bits, least significant bit first, as GIF packs them. */
static void lzw_code(struct lzw *z, unsigned code, unsigned width)
{
    z->bits |= (uint32_t)code << z->nbits;
    z->nbits += width;
    while (z->nbits >= 8) {
        lzw_byte(z, z->bits & 0xff);
        z->bits >>= 8;
        z->nbits -= 8;
    }
}

int image_gif(uint64_t seed, unsigned w, unsigned h, struct image *out)
{
    struct out o = {0};
    put(&o, "GIF89a", 6);
    put16le(&o, w);
    put16le(&o, h);
    put8(&o, 0xa2); /* a global colour table of 8, 3 bits of colour resolution */
    put8(&o, 0);
    put8(&o, 0);
    for (unsigned k = 0; k < 8; k++) {
        uint64_t c = block(seed, k, 1000);
        put8(&o, c & 0xff);
        put8(&o, (c >> 8) & 0xff);
        put8(&o, (c >> 16) & 0xff);
    }
    put8(&o, 0x2c); /* the image: all of the screen */
    put16le(&o, 0);
    put16le(&o, 0);
    put16le(&o, w);
    put16le(&o, h);
    put8(&o, 0);
    put8(&o, 3); /* LZW minimum code size: 8 colours */
    /* Clear (8) before every four pixels: the decoder's table grows by one
     * entry a code and would widen the codes to 5 bits at its 16th entry;
     * cleared this often it never gets there, and every pixel is its own
     * 4-bit code. End (9) after the last. */
    struct lzw z = {.o = &o};
    for (unsigned i = 0; i < w * h; i++) {
        if (i % 4 == 0)
            lzw_code(&z, 8, 4);
        lzw_code(&z, (unsigned)(block(seed, (i % w) / 8, (i / w) / 8) % 8), 4);
    }
    lzw_code(&z, 9, 4);
    if (z.nbits > 0)
        lzw_byte(&z, z.bits & 0xff);
    if (z.nsub > 0) {
        put8(&o, z.nsub);
        put(&o, z.sub, z.nsub);
    }
    put8(&o, 0);    /* no more sub-blocks */
    put8(&o, 0x3b); /* trailer */
    return done(&o, out);
}

/* ---- PNG ---------------------------------------------------------------- */

static uint32_t crc32_of(const unsigned char *p, size_t n, uint32_t crc)
{
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static void png_chunk(struct out *o, const char type[4], const unsigned char *data, size_t n)
{
    put32be(o, (uint32_t)n);
    put(o, type, 4);
    put(o, data, n);
    uint32_t crc = crc32_of((const unsigned char *)type, 4, 0);
    put32be(o, crc32_of(data, n, crc));
}

int image_png(uint64_t seed, unsigned w, unsigned h, struct image *out)
{
    struct out o = {0}, raw = {0}, z = {0};
    put(&o, "\x89PNG\r\n\x1a\n", 8);
    unsigned char ihdr[13] = {0};
    ihdr[0] = (unsigned char)(w >> 24), ihdr[1] = (unsigned char)(w >> 16);
    ihdr[2] = (unsigned char)(w >> 8), ihdr[3] = (unsigned char)w;
    ihdr[4] = (unsigned char)(h >> 24), ihdr[5] = (unsigned char)(h >> 16);
    ihdr[6] = (unsigned char)(h >> 8), ihdr[7] = (unsigned char)h;
    ihdr[8] = 8; /* bits per sample */
    ihdr[9] = 2; /* RGB */
    png_chunk(&o, "IHDR", ihdr, sizeof(ihdr));
    for (unsigned y = 0; y < h; y++) { /* each row: filter 0, then RGB */
        put8(&raw, 0);
        for (unsigned x = 0; x < w; x++) {
            uint64_t c = block(seed, x / 8, y / 8);
            put8(&raw, c & 0xff);
            put8(&raw, (c >> 8) & 0xff);
            put8(&raw, (c >> 16) & 0xff);
        }
    }
    /* zlib: a header, stored deflate blocks of at most 65535 bytes, the
     * Adler-32 of the raw data. */
    put8(&z, 0x78);
    put8(&z, 0x01);
    uint32_t a = 1, b = 0;
    for (size_t at = 0; at < raw.len || at == 0;) {
        size_t n = raw.len - at > 65535 ? 65535 : raw.len - at;
        put8(&z, at + n == raw.len ? 1 : 0);
        put16le(&z, (unsigned)n);
        put16le(&z, (unsigned)(~n & 0xffff));
        put(&z, raw.d + at, n);
        for (size_t i = at; i < at + n; i++) {
            a = (a + raw.d[i]) % 65521;
            b = (b + a) % 65521;
        }
        at += n;
        if (n == 0)
            break;
    }
    put32be(&z, (b << 16) | a);
    if (raw.oom || z.oom)
        o.oom = 1;
    else
        png_chunk(&o, "IDAT", z.d, z.len);
    png_chunk(&o, "IEND", NULL, 0);
    free(raw.d);
    free(z.d);
    return done(&o, out);
}

/* ---- JPEG --------------------------------------------------------------- */

struct bits {
    struct out *o;
    uint32_t    acc, n;
};

/* Codes most significant bit first; a 0xff byte is followed by 0x00. */
static void bits_put(struct bits *b, uint32_t code, unsigned len)
{
    for (int k = (int)len - 1; k >= 0; k--) {
        b->acc = (b->acc << 1) | ((code >> k) & 1u);
        if (++b->n == 8) {
            put8(b->o, b->acc);
            if (b->acc == 0xff)
                put8(b->o, 0);
            b->acc = b->n = 0;
        }
    }
}

int image_jpeg(uint64_t seed, unsigned w, unsigned h, struct image *out)
{
    /* The standard luminance DC table (ITU T.81, K.3): code lengths of
     * categories 0..11, and the codes they give. */
    static const unsigned char dc_bits[16] = {0, 1, 5, 1, 1, 1, 1, 1, 1};
    static const uint16_t dc_code[12] = {0x0, 0x2, 0x3, 0x4, 0x5, 0x6, 0xe, 0x1e, 0x3e, 0x7e, 0xfe, 0x1fe};
    static const unsigned char dc_len[12] = {2, 3, 3, 3, 3, 3, 4, 5, 6, 7, 8, 9};
    struct out o = {0};
    put16be(&o, 0xffd8); /* SOI */
    put16be(&o, 0xffe0); /* APP0: JFIF 1.1, no density, no thumbnail */
    put16be(&o, 16);
    put(&o, "JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 14);
    put16be(&o, 0xffdb); /* DQT: table 0, every step 8 */
    put16be(&o, 67);
    put8(&o, 0);
    for (int k = 0; k < 64; k++)
        put8(&o, 8);
    put16be(&o, 0xffc0); /* SOF0: 8 bits, h x w, one component, table 0 */
    put16be(&o, 11);
    put8(&o, 8);
    put16be(&o, h);
    put16be(&o, w);
    put8(&o, 1);
    put8(&o, 1);
    put8(&o, 0x11);
    put8(&o, 0);
    put16be(&o, 0xffc4); /* DHT: DC table 0 */
    put16be(&o, 2 + 1 + 16 + 12);
    put8(&o, 0x00);
    put(&o, dc_bits, 16);
    for (int k = 0; k < 12; k++)
        put8(&o, (unsigned)k);
    put16be(&o, 0xffc4); /* DHT: AC table 0, one symbol: end of block, code '0' */
    put16be(&o, 2 + 1 + 16 + 1);
    put8(&o, 0x10);
    put8(&o, 1);
    for (int k = 1; k < 16; k++)
        put8(&o, 0);
    put8(&o, 0x00);
    put16be(&o, 0xffda); /* SOS: the one component, tables 0 and 0, 0..63 */
    put16be(&o, 8);
    put8(&o, 1);
    put8(&o, 1);
    put8(&o, 0x00);
    put8(&o, 0);
    put8(&o, 63);
    put8(&o, 0);
    /* A flat block of grey p has DC coefficient 8 (p - 128); with a step
     * of 8 it is p - 128. Each block codes its difference from the last. */
    struct bits b    = {.o = &o};
    int         prev = 0;
    for (unsigned by = 0; by < h / 8; by++) {
        for (unsigned bx = 0; bx < w / 8; bx++) {
            int      dc   = (int)(block(seed, bx, by) % 256) - 128;
            int      diff = dc - prev;
            unsigned mag  = (unsigned)(diff < 0 ? -diff : diff), cat = 0;
            prev          = dc;
            while (mag >> cat)
                cat++;
            bits_put(&b, dc_code[cat], dc_len[cat]);
            if (cat > 0)
                bits_put(&b, (uint32_t)(diff > 0 ? diff : diff + (1 << cat) - 1), cat);
            bits_put(&b, 0, 1); /* end of block: every AC coefficient zero */
        }
    }
    if (b.n > 0) /* pad the last byte with ones */
        bits_put(&b, (1u << (8 - b.n)) - 1, 8 - b.n);
    put16be(&o, 0xffd9); /* EOI */
    return done(&o, out);
}
