/*
 * images.h: small, valid images of the three types the course's imgur
 * filter keeps (image/gif, image/png, image/jpeg), drawn from a seed, for
 * the fixture server's course APIs. Any viewer decodes them; each is a
 * blocky pattern of the seed's colours, a few hundred bytes to a few KiB.
 */
#ifndef CONCBENCH_IMAGES_H
#define CONCBENCH_IMAGES_H

#include <stddef.h>
#include <stdint.h>

/* A body the caller frees. */
struct image {
    unsigned char *data;
    size_t         len;
};

/* A w x h GIF89a (w, h multiples of 8, at most 256): 8 colours, LZW
 * coded. Returns 0 or -ENOMEM. */
int image_gif(uint64_t seed, unsigned w, unsigned h, struct image *out);

/* A w x h 8-bit RGB PNG (stored deflate blocks, CRC and Adler checked by
 * any decoder). Returns 0 or -ENOMEM. */
int image_png(uint64_t seed, unsigned w, unsigned h, struct image *out);

/* A w x h baseline greyscale JPEG (w, h multiples of 8): one flat grey per
 * 8 x 8 block, Huffman coded with the standard tables. Returns 0 or
 * -ENOMEM. */
int image_jpeg(uint64_t seed, unsigned w, unsigned h, struct image *out);

#endif
