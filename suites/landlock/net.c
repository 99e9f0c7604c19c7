/*
 * Network rights (TCP: ABI 4, UDP: ABI 10) on loopback, inside a private
 * network namespace with lo brought up, so no host port is ever touched.
 * Each ruleset handles one right and grants it for GRANTED_PORT only:
 *   denied   the operation on OTHER_PORT fails with EACCES;
 *   granted  the same ruleset; the operation on GRANTED_PORT works;
 *   control  no Landlock; the operation on OTHER_PORT works.
 * Listeners for connect are made before enforcement.
 */

#include "common.h"

#define GRANTED_PORT 4441 /* listeners (connect) */
#define OTHER_PORT 4442
#define BIND_GRANTED_PORT 4451 /* free ports (bind) */
#define BIND_OTHER_PORT 4452

FIXTURE(net) {
	int unused;
};

FIXTURE_VARIANT(net) {
	int family, type;
	uint64_t bind_right, connect_right;
};

FIXTURE_VARIANT_ADD(net, tcp4) {
	.family = AF_INET, .type = SOCK_STREAM,
	.bind_right = LANDLOCK_ACCESS_NET_BIND_TCP, .connect_right = LANDLOCK_ACCESS_NET_CONNECT_TCP,
};
FIXTURE_VARIANT_ADD(net, tcp6) {
	.family = AF_INET6, .type = SOCK_STREAM,
	.bind_right = LANDLOCK_ACCESS_NET_BIND_TCP, .connect_right = LANDLOCK_ACCESS_NET_CONNECT_TCP,
};
FIXTURE_VARIANT_ADD(net, udp4) {
	.family = AF_INET, .type = SOCK_DGRAM,
	.bind_right = LANDLOCK_ACCESS_NET_BIND_UDP,
	.connect_right = LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP,
};
FIXTURE_VARIANT_ADD(net, udp6) {
	.family = AF_INET6, .type = SOCK_DGRAM,
	.bind_right = LANDLOCK_ACCESS_NET_BIND_UDP,
	.connect_right = LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP,
};

static int sock(const FIXTURE_VARIANT(net) *v)
{
	int s = socket(v->family, v->type | SOCK_CLOEXEC, 0);

	ASSERT_LE(0, s);
	return s;
}

static int do_bind(const FIXTURE_VARIANT(net) *v, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(v->family, port, &ss);

	return outcome(bind(sock(v), (struct sockaddr *)&ss, len));
}

static int do_connect(const FIXTURE_VARIANT(net) *v, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(v->family, port, &ss);

	return outcome(connect(sock(v), (struct sockaddr *)&ss, len));
}

static void listen_on(const FIXTURE_VARIANT(net) *v, int port)
{
	int s = sock(v);
	struct sockaddr_storage ss;
	socklen_t len = loopback(v->family, port, &ss);

	int e = outcome(bind(s, (struct sockaddr *)&ss, len));

	if (e == EADDRNOTAVAIL && v->family == AF_INET6)
		SKIP("no ::1 on lo in a new network namespace (net.ipv6.conf.default.disable_ipv6?)");
	ASSERT_OUTCOME(0, e);
	if (v->type == SOCK_STREAM)
		ASSERT_OK(listen(s, 4));
}

/* A network namespace of our own with lo up, and listeners on both ports. */
FIXTURE_SETUP(net)
{
	NEED_ABI(br_landlock_abi_of('n', variant->bind_right));
	netns_lo(variant->family);
	listen_on(variant, GRANTED_PORT);
	listen_on(variant, OTHER_PORT);
}

FIXTURE_TEARDOWN(net) {}

static void enforce_port(uint64_t right, int port)
{
	struct br_landlock_rule rules[] = {{.port = port, .net = right}, {0}};

	enforce((struct br_landlock_access){.net = right}, rules);
}

enum mode { DENIED, GRANTED, CONTROL };

/* One operation (bind or connect) in one mode; see the top comment. */
static void check(const FIXTURE_VARIANT(net) *v, bool bind, enum mode m)
{
	uint64_t right = bind ? v->bind_right : v->connect_right;
	int granted = bind ? BIND_GRANTED_PORT : GRANTED_PORT;
	int other = bind ? BIND_OTHER_PORT : OTHER_PORT;
	int port = m == GRANTED ? granted : other;

	if (m != CONTROL)
		enforce_port(right, granted);
	ASSERT_OUTCOME(m == DENIED ? EACCES : 0, bind ? do_bind(v, port) : do_connect(v, port));
}

TEST_F(net, bind_denied) { check(variant, true, DENIED); }
TEST_F(net, bind_granted) { check(variant, true, GRANTED); }
TEST_F(net, bind_control) { check(variant, true, CONTROL); }
TEST_F(net, connect_denied) { check(variant, false, DENIED); }
TEST_F(net, connect_granted) { check(variant, false, GRANTED); }
TEST_F(net, connect_control) { check(variant, false, CONTROL); }

/* Ports above 65535 are the kernel's EINVAL, not a silently wrapped port. */
TEST(port_above_65535_einval)
{
	struct br_landlock ll;
	struct br_landlock_access h = {.net = LANDLOCK_ACCESS_NET_BIND_TCP};

	NEED_ABI(4);
	ASSERT_EQ(0, br_landlock_init(&ll, &h));
	ASSERT_EQ(-EINVAL, br_landlock_allow_port(&ll, 65536, LANDLOCK_ACCESS_NET_BIND_TCP));
	ASSERT_EQ(0, br_landlock_allow_port(&ll, 65535, LANDLOCK_ACCESS_NET_BIND_TCP));
	br_landlock_close(&ll);
}

TEST_HARNESS_MAIN
