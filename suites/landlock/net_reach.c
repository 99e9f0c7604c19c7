/*
 * Every other way a domain reaches a TCP peer or takes a port (ABI 4):
 * TCP Fast Open (sendto/sendmsg with MSG_FASTOPEN, TCP_FASTOPEN_CONNECT),
 * io_uring's IORING_OP_CONNECT and IORING_OP_BIND, IPv4-mapped IPv6 addresses, AF_UNSPEC, port 0, and what Landlock leaves
 * alone (listen's auto-bind, connect's ephemeral port, MPTCP, SCTP). UDP
 * datagrams to an address (ABI 10) and sockets converted by IPV6_ADDRFORM
 * too. All in a private network namespace with lo up (common.h).
 *
 * Each fixture variant is one operation on one port P, three ways:
 *   denied   the right handled, a rule grants it on another port: EACCES;
 *   granted  the same ruleset with the rule on P: allowed;
 *   control  no Landlock: allowed.
 * A listener on LISTEN_PORT (both families, made before enforcement) is
 * the peer of every connect-like operation.
 */
#include <linux/io_uring.h>
#include <linux/mptcp.h>
#include <netinet/tcp.h>

#include "common.h"
#include "probe.h"

#define LISTEN_PORT 4461
#define FREE_PORT 4462
#define RULE_ELSEWHERE 4469 /* the denied ruleset's grant */

#define TFO_FIX "linux-git 33cb713db016 landlock: Fix TCP Fast Open connection bypass"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

static int inet_socket(int family, int type)
{
	int s = socket(family, type | SOCK_CLOEXEC, 0);

	ASSERT_LE(0, s);
	return s;
}

static int tcp_socket(int family)
{
	return inet_socket(family, SOCK_STREAM);
}

static void listen_at(int family, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(family, port, &ss);
	int s = tcp_socket(family), e;

	e = outcome(bind(s, (struct sockaddr *)&ss, len));
	if (e == EADDRNOTAVAIL && family == AF_INET6)
		SKIP("no ::1 on lo in a new network namespace (net.ipv6.conf.default.disable_ipv6?)");
	ASSERT_OUTCOME(0, e);
	ASSERT_OK(listen(s, 16));
}

/* ::ffff:127.0.0.1, an IPv4 peer reached through an IPv6 socket. */
static socklen_t v4mapped(int port, struct sockaddr_in6 *a)
{
	memset(a, 0, sizeof(*a));
	a->sin6_family = AF_INET6;
	a->sin6_port = htons(port);
	a->sin6_addr.s6_addr[10] = a->sin6_addr.s6_addr[11] = 0xff;
	a->sin6_addr.s6_addr[12] = 127;
	a->sin6_addr.s6_addr[15] = 1;
	return sizeof(*a);
}

/* Data sent on the SYN: the connect check lives in the sendmsg hook. */
static int op_fastopen_sendto(int family, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(family, port, &ss);

	return outcome(sendto(tcp_socket(family), "x", 1, MSG_FASTOPEN | MSG_NOSIGNAL,
			      (struct sockaddr *)&ss, len));
}

static int op_fastopen_sendmsg(int family, int port)
{
	struct sockaddr_storage ss;
	struct iovec iov = {.iov_base = "x", .iov_len = 1};
	struct msghdr msg = {.msg_name = &ss, .msg_iov = &iov, .msg_iovlen = 1};

	msg.msg_namelen = loopback(family, port, &ss);
	return outcome(sendmsg(tcp_socket(family), &msg, MSG_FASTOPEN | MSG_NOSIGNAL));
}

/* connect() defers the SYN to the first write; it is still a connect. */
static int op_fastopen_connect(int family, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(family, port, &ss);
	int s = tcp_socket(family), one = 1;

	ASSERT_OK(setsockopt(s, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &one, sizeof(one)));
	return outcome(connect(s, (struct sockaddr *)&ss, len));
}

static int op_connect_v4mapped(int family, int port)
{
	struct sockaddr_in6 a;
	socklen_t len = v4mapped(port, &a);

	(void)family;
	return outcome(connect(tcp_socket(AF_INET6), (struct sockaddr *)&a, len));
}

static int op_bind_v4mapped(int family, int port)
{
	struct sockaddr_in6 a;
	socklen_t len = v4mapped(port, &a);

	(void)family;
	return outcome(bind(tcp_socket(AF_INET6), (struct sockaddr *)&a, len));
}

/* Port 0 asks the kernel for an ephemeral one: a rule must name port 0. */
static int op_bind(int family, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(family, port, &ss);

	return outcome(bind(tcp_socket(family), (struct sockaddr *)&ss, len));
}

static int op_connect(int family, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(family, port, &ss);

	return outcome(connect(tcp_socket(family), (struct sockaddr *)&ss, len));
}

/* The same calls made by the kernel for a ring: no syscall of ours. */
static int uring_sock_op(int opcode, int family, int port)
{
	struct sockaddr_storage ss;
	struct io_uring_sqe sqe = {.opcode = opcode, .fd = tcp_socket(family),
				   .addr = (unsigned long)&ss};
	long res;

	sqe.off = loopback(family, port, &ss);
	res = br_uring_op(&sqe);
	return res < 0 ? (int)-res : 0;
}

static int op_uring_connect(int family, int port)
{
	return uring_sock_op(IORING_OP_CONNECT, family, port);
}

static int op_uring_bind(int family, int port)
{
	return uring_sock_op(BR_IORING_OP_BIND, family, port);
}

/* SKIP unless a ring can be made and knows opcode (fd -1: EBADF if it
 * does, EINVAL if not). */
static void need_uring_op(int opcode)
{
	struct io_uring_sqe sqe = {.opcode = opcode, .fd = -1};
	long res = br_uring_op(&sqe);

	if (res == -EPERM || res == -ENOSYS)
		SKIP("no io_uring here: io_uring_setup gives %s (kernel.io_uring_disabled?)",
		     br_errname((int)-res));
	if (res == -EINVAL)
		SKIP("this kernel's io_uring lacks opcode %d", opcode);
}

/* AF_UNSPEC with INADDR_ANY on an IPv4 socket binds like AF_INET. */
static int op_bind_unspec_any(int family, int port)
{
	struct sockaddr_in a = {.sin_family = AF_UNSPEC, .sin_port = htons(port),
				.sin_addr.s_addr = htonl(INADDR_ANY)};

	return outcome(bind(tcp_socket(family), (struct sockaddr *)&a, sizeof(a)));
}

/* One operation on one port P (see the top comment). */
struct reach {
	int family;
	uint64_t right;
	int port; /* P: the operation's port, the granted ruleset's rule */
	int (*op)(int family, int port);
};

static void enforce_net(uint64_t handled, uint64_t right, int port)
{
	struct br_landlock_rule rules[] = {{.port = port, .net = right}, {0}};

	enforce((struct br_landlock_access){.net = handled}, rules);
}

/* UDP with a destination on an unconnected socket (ABI 10): each datagram
 * is a connect of its own, checked under CONNECT_SEND_UDP. */
static int udp_socket(int family)
{
	return inet_socket(family, SOCK_DGRAM);
}

static int op_udp_sendto(int family, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(family, port, &ss);

	return outcome(sendto(udp_socket(family), "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&ss, len));
}

static int op_udp_sendmsg(int family, int port)
{
	struct sockaddr_storage ss;
	struct iovec iov = {.iov_base = "x", .iov_len = 1};
	struct msghdr msg = {.msg_name = &ss, .msg_iov = &iov, .msg_iovlen = 1};

	msg.msg_namelen = loopback(family, port, &ss);
	return outcome(sendmsg(udp_socket(family), &msg, MSG_NOSIGNAL));
}

static void reach_setup(const struct reach *r)
{
	NEED_ABI(br_landlock_abi_of('n', r->right));
	netns_lo(r->family);
	listen_at(r->family, LISTEN_PORT);
	if (r->op == op_connect_v4mapped || r->op == op_bind_v4mapped)
		need_family(AF_INET6); /* the mapped address needs an IPv6 stack */
	if (r->op == op_uring_connect)
		need_uring_op(IORING_OP_CONNECT);
	if (r->op == op_uring_bind)
		need_uring_op(BR_IORING_OP_BIND);
}

enum mode { DENIED, GRANTED, CONTROL };

static void reach_check(const struct reach *r, enum mode m)
{
	if (m != CONTROL)
		enforce_net(r->right, r->right, m == GRANTED ? r->port : RULE_ELSEWHERE);
	ASSERT_OUTCOME(m == DENIED ? EACCES : 0, r->op(r->family, r->port));
}

#define REACH(fix, name, fam, right_, p, fn)                                       \
	FIXTURE_VARIANT_ADD(fix, name) {                                           \
		.r = {fam, LANDLOCK_ACCESS_NET_##right_, p, fn}                    \
	}

/* A fixture of reach variants with its three cases; the options go to
 * the denied case (.fixed_by). */
#define REACH_FIXTURE(fix, ...)                                                   \
	FIXTURE(fix) {                                                            \
		int unused;                                                       \
	};                                                                        \
	FIXTURE_VARIANT(fix) {                                                    \
		struct reach r;                                                   \
	};                                                                        \
	FIXTURE_SETUP(fix) { reach_setup(&variant->r); }                          \
	FIXTURE_TEARDOWN(fix) {}                                                  \
	TEST_F(fix, denied, __VA_ARGS__) { reach_check(&variant->r, DENIED); }    \
	TEST_F(fix, granted) { reach_check(&variant->r, GRANTED); }               \
	TEST_F(fix, control) { reach_check(&variant->r, CONTROL); }

REACH_FIXTURE(net_reach, .as = BR_EITHER)
REACH(net_reach, tcp4_fastopen_connect, AF_INET, CONNECT_TCP, LISTEN_PORT, op_fastopen_connect);
REACH(net_reach, tcp6_fastopen_connect, AF_INET6, CONNECT_TCP, LISTEN_PORT, op_fastopen_connect);
REACH(net_reach, tcp4_uring_connect, AF_INET, CONNECT_TCP, LISTEN_PORT, op_uring_connect);
REACH(net_reach, tcp6_uring_connect, AF_INET6, CONNECT_TCP, LISTEN_PORT, op_uring_connect);
REACH(net_reach, tcp4_uring_bind, AF_INET, BIND_TCP, FREE_PORT, op_uring_bind);
REACH(net_reach, tcp6_connect_v4mapped, AF_INET, CONNECT_TCP, LISTEN_PORT, op_connect_v4mapped);
REACH(net_reach, tcp6_bind_v4mapped, AF_INET, BIND_TCP, FREE_PORT, op_bind_v4mapped);
REACH(net_reach, tcp4_bind_port0, AF_INET, BIND_TCP, 0, op_bind);
REACH(net_reach, tcp6_bind_port0, AF_INET6, BIND_TCP, 0, op_bind);
REACH(net_reach, tcp4_bind_unspec_any, AF_INET, BIND_TCP, FREE_PORT, op_bind_unspec_any);

/* TCP Fast Open from sendto/sendmsg: the SYN leaves from the send path,
 * which only the socket_sendmsg hook sees. */
REACH_FIXTURE(fastopen, .fixed_by = TFO_FIX)
REACH(fastopen, tcp4_sendto, AF_INET, CONNECT_TCP, LISTEN_PORT, op_fastopen_sendto);
REACH(fastopen, tcp6_sendto, AF_INET6, CONNECT_TCP, LISTEN_PORT, op_fastopen_sendto);
REACH(fastopen, tcp4_sendmsg, AF_INET, CONNECT_TCP, LISTEN_PORT, op_fastopen_sendmsg);
REACH(fastopen, tcp6_sendmsg, AF_INET6, CONNECT_TCP, LISTEN_PORT, op_fastopen_sendmsg);

/* UDP datagrams to an address (ABI 10; a fact below where UDP is not handled). */
REACH_FIXTURE(udp_reach, .as = BR_EITHER)
REACH(udp_reach, udp4_sendto, AF_INET, CONNECT_SEND_UDP, LISTEN_PORT, op_udp_sendto);
REACH(udp_reach, udp6_sendto, AF_INET6, CONNECT_SEND_UDP, LISTEN_PORT, op_udp_sendto);
REACH(udp_reach, udp4_sendmsg, AF_INET, CONNECT_SEND_UDP, LISTEN_PORT, op_udp_sendmsg);
REACH(udp_reach, udp6_sendmsg, AF_INET6, CONNECT_SEND_UDP, LISTEN_PORT, op_udp_sendmsg);

/* A connected socket under a domain that grants connect nowhere: AF_UNSPEC
 * dissolves the association (always allowed, like close), and connecting
 * it again is a new connect: denied. Control: the reconnect works. */
static void unspec_case(bool restricted)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(AF_INET, LISTEN_PORT, &ss);
	struct sockaddr unspec = {.sa_family = AF_UNSPEC};
	int s;

	NEED_ABI(4);
	netns_lo(AF_INET);
	listen_at(AF_INET, LISTEN_PORT);
	s = tcp_socket(AF_INET);
	ASSERT_OK(connect(s, (struct sockaddr *)&ss, len));
	if (restricted)
		enforce_net(LANDLOCK_ACCESS_NET_CONNECT_TCP, LANDLOCK_ACCESS_NET_CONNECT_TCP,
			    RULE_ELSEWHERE);
	ASSERT_OUTCOME(0, outcome(connect(s, &unspec, sizeof(unspec))));
	ASSERT_OUTCOME(restricted ? EACCES : 0, outcome(connect(s, (struct sockaddr *)&ss, len)));
}

TEST(unspec_disconnects_then_reconnect_denied)
{
	unspec_case(true);
}

TEST(unspec_disconnects_then_reconnect_control)
{
	unspec_case(false);
}

/* The rule's port is in host order: a rule on htons(P) must not grant P
 * (on a little-endian machine the two differ). */
TEST(port_is_host_order)
{
	NEED_ABI(4);
	if (htons(LISTEN_PORT) == LISTEN_PORT)
		SKIP("big-endian machine: htons(port) == port");
	netns_lo(AF_INET);
	listen_at(AF_INET, LISTEN_PORT);
	enforce_net(LANDLOCK_ACCESS_NET_CONNECT_TCP, LANDLOCK_ACCESS_NET_CONNECT_TCP,
		    htons(LISTEN_PORT));
	ASSERT_OUTCOME(EACCES, op_connect(AF_INET, LISTEN_PORT));
}

/* Two layers, each granting connect on a different port: the intersection
 * grants neither; the first layer alone granted its port. */
TEST(layers_intersect_ports)
{
	NEED_ABI(4);
	netns_lo(AF_INET);
	listen_at(AF_INET, LISTEN_PORT);
	enforce_net(LANDLOCK_ACCESS_NET_CONNECT_TCP, LANDLOCK_ACCESS_NET_CONNECT_TCP, LISTEN_PORT);
	ASSERT_OUTCOME(0, op_connect(AF_INET, LISTEN_PORT));
	enforce_net(LANDLOCK_ACCESS_NET_CONNECT_TCP, LANDLOCK_ACCESS_NET_CONNECT_TCP, RULE_ELSEWHERE);
	ASSERT_OUTCOME(EACCES, op_connect(AF_INET, LISTEN_PORT));
}

/* What Landlock does not check, as facts with a verdict that they still
 * behave as the kernel documents. Bind granted nowhere: listen() on an
 * unbound socket auto-binds an ephemeral port (no bind hook runs), and
 * connect() picks its source port without a bind check. */
TEST(listen_autobind_not_restricted)
{
	int s;

	NEED_ABI(4);
	netns_lo(AF_INET);
	enforce_net(LANDLOCK_ACCESS_NET_BIND_TCP, LANDLOCK_ACCESS_NET_BIND_TCP, RULE_ELSEWHERE);
	ASSERT_OUTCOME(EACCES, op_bind(AF_INET, FREE_PORT));
	s = tcp_socket(AF_INET);
	ASSERT_OUTCOME(0, outcome(listen(s, 1)));
	br_fact("landlock.net.listen_autobind", "not restricted");
}

TEST(connect_source_port_not_a_bind)
{
	NEED_ABI(4);
	netns_lo(AF_INET);
	listen_at(AF_INET, LISTEN_PORT);
	enforce_net(LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP,
		    LANDLOCK_ACCESS_NET_CONNECT_TCP, LISTEN_PORT);
	ASSERT_OUTCOME(EACCES, op_bind(AF_INET, FREE_PORT));
	ASSERT_OUTCOME(0, op_connect(AF_INET, LISTEN_PORT));
}

/* TCP rights cover TCP only: MPTCP was wrongly restricted until erratum 1
 * (ABI 4). Either way is a fact (over-restriction is not a boundary
 * break); the erratum bit, where the kernel can be asked, must agree. */
TEST(mptcp_under_tcp_rights)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(AF_INET, FREE_PORT, &ss);
	long errata;
	int s, e;

	NEED_ABI(4);
	netns_lo(AF_INET);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP);
	if (s < 0)
		SKIP("no MPTCP socket: %s (CONFIG_MPTCP, net.mptcp.enabled)", br_errname(errno));
	enforce_net(LANDLOCK_ACCESS_NET_BIND_TCP, LANDLOCK_ACCESS_NET_BIND_TCP, RULE_ELSEWHERE);
	e = outcome(bind(s, (struct sockaddr *)&ss, len));
	br_fact("landlock.net.mptcp", "%s", e == EACCES ? "restricted" : e ? br_errname(e) : "not restricted");
	errata = br_landlock_errata();
	if (errata >= 0)
		ASSERT_EQ(!!(errata & 1), e == 0);
	else
		ASSERT_TRUE(e == 0 || e == EACCES);
}

/* IPV6_ADDRFORM turns a connected IPv6 socket (to ::ffff:127.0.0.1) into
 * an IPv4 one. Made before enforcement; then, under a domain that grants
 * the protocol's connect right nowhere, the converted socket is still
 * checked: TCP dissolves its association (AF_UNSPEC) and reconnects over
 * AF_INET, UDP sends to an AF_INET address. Control: no Landlock. */
static void addrform_case(int type, bool restricted)
{
	uint64_t right = type == SOCK_STREAM ? LANDLOCK_ACCESS_NET_CONNECT_TCP
					     : LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP;
	struct sockaddr_storage ss;
	socklen_t len = loopback(AF_INET, LISTEN_PORT, &ss);
	struct sockaddr unspec = {.sa_family = AF_UNSPEC};
	struct sockaddr_in6 m;
	int s, v4 = AF_INET, e;

	NEED_ABI(br_landlock_abi_of('n', right));
	netns_lo(AF_INET);
	need_family(AF_INET6);
	listen_at(AF_INET, LISTEN_PORT);
	s = inet_socket(AF_INET6, type);
	ASSERT_OK(connect(s, (struct sockaddr *)&m, v4mapped(LISTEN_PORT, &m)));
	e = outcome(setsockopt(s, IPPROTO_IPV6, IPV6_ADDRFORM, &v4, sizeof(v4)));
	if (e == ENOPROTOOPT)
		SKIP("this kernel has no IPV6_ADDRFORM (removed or not built)");
	ASSERT_OUTCOME(0, e);
	if (restricted)
		enforce_net(right, right, RULE_ELSEWHERE);
	if (type == SOCK_STREAM) {
		ASSERT_OUTCOME(0, outcome(connect(s, &unspec, sizeof(unspec))));
		e = outcome(connect(s, (struct sockaddr *)&ss, len));
	} else {
		e = outcome(sendto(s, "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&ss, len));
	}
	ASSERT_OUTCOME(restricted ? EACCES : 0, e);
}

TEST(addrform_tcp_reconnect_denied)
{
	addrform_case(SOCK_STREAM, true);
}

TEST(addrform_tcp_reconnect_control)
{
	addrform_case(SOCK_STREAM, false);
}

TEST(addrform_udp_send_denied)
{
	addrform_case(SOCK_DGRAM, true);
}

TEST(addrform_udp_send_control)
{
	addrform_case(SOCK_DGRAM, false);
}

/* Where Landlock has no UDP rights (ABI < 10), a ruleset handling every
 * TCP right leaves UDP alone: a fact. From ABI 10 the same ruleset (TCP
 * rights only) must still leave UDP alone: rights are per protocol. */
TEST(udp_under_tcp_rights)
{
	uint64_t tcp = LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP;
	int abi = br_landlock_abi(), udp_abi = br_landlock_abi_of('n', LANDLOCK_ACCESS_NET_BIND_UDP);
	struct sockaddr_storage ss;
	socklen_t len;

	NEED_ABI(4);
	netns_lo(AF_INET);
	enforce_net(tcp, tcp, RULE_ELSEWHERE);
	ASSERT_OUTCOME(EACCES, op_bind(AF_INET, FREE_PORT)); /* the TCP side is handled */
	len = loopback(AF_INET, FREE_PORT, &ss);
	ASSERT_OUTCOME(0, outcome(bind(udp_socket(AF_INET), (struct sockaddr *)&ss, len)));
	ASSERT_OUTCOME(0, op_udp_sendto(AF_INET, LISTEN_PORT));
	br_fact("landlock.net.udp", "%s", abi >= udp_abi ? "rights (ABI 10)" : "not handled");
}

/* SCTP is never covered by the TCP rights. Only where SCTP is already
 * registered (/proc/net/protocols): creating the socket would otherwise load
 * the sctp module on the host. */
TEST(sctp_under_tcp_rights)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(AF_INET, FREE_PORT, &ss);
	char buf[4096];
	int s, e;

	NEED_ABI(4);
	if (br_read_file("/proc/net/protocols", buf, sizeof(buf)) < 0 || !strstr(buf, "\nSCTP "))
		SKIP("no SCTP registered (CONFIG_IP_SCTP off or the module not loaded; not loading it)");
	netns_lo(AF_INET);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_SCTP);
	ASSERT_LE(0, s);
	enforce_net(LANDLOCK_ACCESS_NET_BIND_TCP, LANDLOCK_ACCESS_NET_BIND_TCP, RULE_ELSEWHERE);
	ASSERT_OUTCOME(EACCES, op_bind(AF_INET, FREE_PORT)); /* TCP is handled */
	e = outcome(bind(s, (struct sockaddr *)&ss, len));
	br_fact("landlock.net.sctp", "%s", e == EACCES ? "restricted" : e ? br_errname(e) : "not restricted");
	ASSERT_TRUE(e == 0 || e == EACCES); /* over-restriction is no break */
}

TEST_HARNESS_MAIN
