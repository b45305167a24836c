# foodorder on a hot standby: reads work there under row-level security,
# and every writing function fails there with 25006.  Run by
# test/standby/run; FoodorderStandby.pm makes the primary, the standby and
# the data (STANDBY_EXTRA_SQL).
#
# 1. The standby streams as the primary's synchronous standby; orders
#    placed as the app role reach it (wait_for_catchup: replayed past the
#    primary's WAL position), with the same orders, lines and menu.
# 2. On the standby: the menu, cart(), customer_orders() and verify() work;
#    a customer's SELECT on orders sees its own orders only, staff's its
#    restaurant's; customer_orders() of another customer is 42501.  With
#    replay paused, an order committed with synchronous_commit = on is not
#    visible there yet, and a remote_apply call waits until it is.
# 3. Every function of the extension (from pg_depend) has a valid call in
#    calls.sql; each writing one succeeds on the primary (rolled back) and
#    fails on the standby with 25006 and a read-only message, as the owner
#    and as the app role; the others work there.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FoodorderTest;
use FoodorderStandby;

my ($primary, $standby) = primary_and_standby();
my $owner = $primary->safe_psql('postgres', 'SELECT current_user');

# P/S SQL [ROLE]: on the primary or the standby, as the owner or ROLE.
sub P { return $primary->safe_psql($db, $_[0], $_[1] ? (connstr => as_role($primary, $db, $_[1])) : ()); }
sub S { return $standby->safe_psql($db, $_[0], $_[1] ? (connstr => as_role($standby, $db, $_[1])) : ()); }

### 1. primary, standby, replication
my $sync_state = $primary->safe_psql('postgres',
	"SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby'");
check($sync_state eq 'sync', "standby streams as the primary's synchronous standby",
	"application_name standby, sync_state $sync_state");

my $lsn = $primary->lsn('write');
my $t0 = time;
$primary->wait_for_catchup($standby, 'replay', $lsn);
check(S("SELECT pg_last_wal_replay_lsn() >= '$lsn'") eq 't', "standby replays the primary's WAL",
	"replayed past $lsn in " . (time - $t0) . "s");

# The same rows on both sides: counts and a digest of every column.
my $digest = q{SELECT (SELECT count(*) || ' orders ' || md5(string_agg(o::text, ',' ORDER BY o.id)) FROM foodorder.orders o)
          || ', ' || (SELECT count(*) || ' lines ' || md5(string_agg(i::text, ',' ORDER BY i.order_id, i.dish_id)) FROM foodorder.order_item i)
          || ', ' || (SELECT count(*) || ' dishes ' || md5(string_agg(d::text, ',' ORDER BY d.id)) FROM foodorder.dish d)};
my $on_primary = P($digest);
my $on_standby = S($digest);
(my $shown = $on_standby) =~ s/ [0-9a-f]{32}//g;
check($on_primary eq $on_standby && $on_primary !~ /^0 orders/,
	"orders, lines and menu on the standby equal the primary's", $shown);

### 2. reading on the standby, with row-level security
my $menu = q{SELECT string_agg(id || ' ' || name || ' ' || price_cents || ' ' || stock || ' ' || on_sale, ',' ORDER BY id) FROM foodorder.dish};
check(S($menu, 'cust1') eq P($menu), "menu: a customer selects foodorder.dish on the standby",
	S("SELECT count(*) FROM foodorder.dish", 'cust1') . " dishes, equal to the primary's");
# the hot dish 1's stock is in its slots: the view adds them up on the standby too
$menu = q{SELECT string_agg(id || ' ' || stock || ' ' || sold || ' ' || hot, ',' ORDER BY id) FROM foodorder.menu};
$on_standby = S($menu, 'cust1');
check($on_standby eq P($menu) && $on_standby =~ /^1 \S+ \S+ true,/,
	"menu: a customer reads foodorder.menu on the standby, the hot dish's stock and sold included",
	(split /,/, $on_standby)[0] . ", equal to the primary's");

my $cart = q{SELECT string_agg(dish_id || 'x' || quantity || '=' || line_cents, ',' ORDER BY dish_id) FROM foodorder.cart(1)};
$on_standby = S($cart, 'cust1');
check($on_standby ne '' && $on_standby eq P($cart), "cart(1) as customer 1 on the standby",
	($on_standby || 'empty') . ", equal to the primary's");

my $mine = q{SELECT string_agg(id::text, ',' ORDER BY created_at DESC, id DESC)};
$on_standby = S("$mine FROM foodorder.customer_orders(1)", 'cust1');
my $expected = P("$mine FROM foodorder.orders WHERE customer_id = 1");
check($on_standby ne '' && $on_standby eq $expected, "customer_orders(1) as customer 1 on the standby",
	"orders $on_standby (expected $expected)");

$on_standby = S("$mine FROM foodorder.customer_orders(2)", 'web');
$expected = P("$mine FROM foodorder.orders WHERE customer_id = 2");
check($on_standby ne '' && $on_standby eq $expected, "customer_orders(2) as the app role on the standby",
	"orders $on_standby (expected $expected)");

my $result = outcome($standby, $db, 'cust1', "SELECT * FROM foodorder.customer_orders(2)");
check($result =~ /^42501 /, "customer_orders(2) as customer 1 on the standby is refused", $result);

# A plain SELECT: only what the policies let the role see, and all of it.
sub seen    # seen ROLE PREDICATE: rows ROLE sees, of them not PREDICATE, the owner's PREDICATE rows, all rows
{
	my ($role, $predicate) = @_;
	return (split(/\|/, S("SELECT count(*), count(*) FILTER (WHERE NOT ($predicate)) FROM foodorder.orders", $role)),
		split(/\|/, S("SELECT count(*) FILTER (WHERE $predicate), count(*) FROM foodorder.orders")));
}
my ($sees, $others, $own, $all) = seen('cust1', 'customer_id = 1');
check($sees > 0 && $others == 0 && $sees == $own && $own < $all,
	"RLS on the standby: customer 1 selects only its orders",
	"sees $sees of $all, $others of others (customer 1 has $own)");
($sees, $others, $own, $all) = seen('kitchen2', 'restaurant_id = 2');
check($sees > 0 && $others == 0 && $sees == $own && $own < $all,
	"RLS on the standby: staff of restaurant 2 selects only its orders",
	"sees $sees of $all, $others of other restaurants (restaurant 2 has $own)");
($sees, undef, undef, $all) = seen('web', 'true');
check($sees == $all && $all > 0, "RLS on the standby: the app role selects every order", "sees $sees of $all");

my $broken = S("SELECT count(*) FROM foodorder.verify()");
check($broken == 0, "verify() on the standby", "$broken broken invariants");

# Reading your own writes.  With replay paused on the standby, an order
# committed with synchronous_commit = on (flushed there, not applied) is
# not visible there yet; one with remote_apply waits in SyncRep until
# replay resumes, and is visible there as soon as its call returns.
sub visible { return S("SELECT count(*) FROM foodorder.orders WHERE request_key = '$_[0]'"); }
S("SELECT pg_wal_replay_pause()");
$standby->poll_query_until($db, "SELECT pg_get_wal_replay_pause_state()", 'paused')
  or BAIL_OUT('replay does not pause');
P("SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1], request_key => 'flushed')", 'web');
my $flushed_seen = visible('flushed');
my $session = $primary->background_psql($db, extra_params => [ '-U', 'web' ]);
$session->query_until(qr/sent/, "\\echo sent\nSET synchronous_commit = remote_apply;\n"
	  . "SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1], request_key => 'applied');\n");
my $waited = $primary->poll_query_until($db,
	"SELECT count(*) FROM pg_stat_activity WHERE usename = 'web' AND wait_event = 'SyncRep'", '1');
$session->{run}->pump_nb;
my $returned_early = $waited ? ($session->{stdout} =~ /^\d+$/m ? 1 : 0) : 'never waited';
S("SELECT pg_wal_replay_resume()");
# the call's id, then the separator of this empty query
my ($applied_out, $applied_err) = $session->query('');
$session->quit;
my $applied_ok = $applied_out =~ /^\d+$/ && !$applied_err ? 0 : 1;
my $applied_seen = visible('applied');
check($flushed_seen == 0 && $returned_early eq '0' && $applied_ok == 0 && $applied_seen == 1,
	"read your writes on the standby needs remote_apply",
	"replay paused: on-commit order seen $flushed_seen time(s); remote_apply call waited in SyncRep"
	  . " (returned early: $returned_early), returned $applied_ok after resume, seen $applied_seen time(s)");

### 3. every function of the extension on the standby
my %members = map { $_ => 1 } split /\n/, P(q{
	SELECT p.oid::regprocedure FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
	 WHERE d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
	   AND d.refclassid = 'pg_extension'::regclass
	   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'foodorder')});
my %listed = map { $_ => 1 } split /\n/, P("SELECT fn FROM standby_test.call");
my @unlisted = sort grep { !$listed{$_} } keys %members;
my @stale    = sort grep { !$members{$_} } keys %listed;
check(!@unlisted && !@stale, "calls.sql has a valid call of every function of the extension",
	scalar(keys %members) . " functions, " . P("SELECT count(*) FROM standby_test.call WHERE kind = 'writes'")
	  . " writing" . (@unlisted ? "; no call for: @unlisted" : '') . (@stale ? "; not in the extension: @stale" : ''));

# run_calls NODE KIND ROLE [ROLLBACK]: each call of KIND that ROLE may
# execute alone, as ROLE, then its SQLSTATE: "fn sqlstate message" lines.
# On the primary in a transaction rolled back, so nothing changes there.
sub run_calls
{
	my ($node, $kind, $role, $rollback) = @_;
	my ($begin, $end) = $rollback ? ("BEGIN;\n", "\nROLLBACK;") : ('', '');
	my $script = "\\o /dev/null\n" . P(qq{
		SELECT format(E'%s%s;\\n\\\\echo %s :SQLSTATE :LAST_ERROR_MESSAGE%s', '$begin', sql, fn, '$end')
		  FROM standby_test.call
		 WHERE kind = '$kind' AND has_function_privilege('$role', fn::regprocedure, 'EXECUTE')
		 ORDER BY fn});
	my ($ret, $out) = $node->psql($db, $script, connstr => as_role($node, $db, $role), on_error_stop => 0);
	# (after a success, LAST_ERROR_MESSAGE is an earlier call's: drop it)
	return map { my ($fn, $state) = split ' '; $state eq '00000' ? "$fn 00000 (succeeded)" : $_ }
	  grep { /^\S+ \S+/ } split /\n/, $out;
}
sub short_names { return join ' ', map { (split ' ')[0] =~ s/^foodorder\.//r =~ s/\(.*//r } @_; }

my @on_primary = run_calls($primary, 'writes', $owner, 1);
my @bad = grep { !/ 00000 / } @on_primary;
check(!@bad && @on_primary > 0, "every writing call is valid on the primary (rolled back)",
	(@on_primary - @bad) . " of " . @on_primary . " succeed" . (@bad ? "; failing: " . join(';', @bad) : ''));

for (run_calls($standby, 'writes', $owner))
{
	my ($fn, $state, $message) = split ' ', $_, 3;
	check($state eq '25006' && $message =~ /read-only transaction/, "on the standby $fn fails with 25006",
		"$state $message");
}

# What an app server sent to the replica by mistake sees: the same, for
# every writing function the app role may call.
@on_primary = run_calls($primary, 'writes', 'web', 1);
my @on_standby = run_calls($standby, 'writes', 'web');
@bad = ((grep { !/ 00000 / } @on_primary), (grep { !/ 25006 .*read-only transaction/ } @on_standby));
check(!@bad && @on_standby > 0 && @on_primary == @on_standby,
	"as the app role, each writing call succeeds on the primary and fails with 25006 on the standby",
	scalar(grep { / 00000 / } @on_primary) . " and " . scalar(grep { / 25006 / } @on_standby) . " of "
	  . @on_standby . ": " . short_names(@on_standby) . (@bad ? "; wrong: " . join(';', @bad) : ''));

@on_standby = run_calls($standby, 'reads', $owner);
@bad = grep { !/ 00000 / } @on_standby;
check(!@bad && @on_standby > 0, "every reading function works on the standby",
	(@on_standby - @bad) . " of " . @on_standby . ": " . short_names(@on_standby)
	  . (@bad ? "; failing: " . join(';', @bad) : ''));

done_testing();
