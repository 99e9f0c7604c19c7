/* Namespaces. */
#ifndef BR_NS_H
#define BR_NS_H

/* unshare(flags) in the calling process. When not root, a user namespace
 * mapping the caller to root comes first, so the other types are permitted.
 * 0 or -errno. */
int br_ns_private(int flags);

#endif
