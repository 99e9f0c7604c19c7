/* Embed a file in a binary at build time, NUL-terminated, so that suites
 * need no fixtures directory at run time (QEMU guests and installed trees
 * have none). PATH is relative to the top of the source tree. The symbols
 * are local to the embedding object (no .global), as static would make
 * them: the guest's one binary links every suite file, and two embed the
 * same AppArmor policy. */
#ifndef BR_EMBED_H
#define BR_EMBED_H

#define BR_INCBIN(sym, path)                                                                       \
	__asm__(".section .rodata\n" #sym ":\n.incbin \"" path "\"\n.byte 0\n"                   \
		".previous\n");                                                                    \
	extern const char sym[]

/* The same for binary content: sym_end marks its end (before the NUL). */
#define BR_INCBIN_SIZED(sym, path)                                                                 \
	__asm__(".section .rodata\n" #sym ":\n.incbin \"" path "\"\n" #sym "_end:\n.byte 0\n"  \
		".previous\n");                                                                    \
	extern const char sym[], sym##_end[]

#endif
