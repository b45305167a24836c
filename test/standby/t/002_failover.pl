# foodorder across a failover with synchronous replication: no order a
# client saw acknowledged is lost.  Run by test/standby/run;
# FoodorderStandby.pm makes the primary, the standby and the data.
#
# Settings (environment):
#   STANDBY_CLIENTS   concurrent ordering clients in the rush        (16)
#   STANDBY_RUSH      orders the rush places before the primary dies (400)
#   STANDBY_CALLS     calls in each client's script, enough that no
#                     client is done before the kill                 (5000)
#
# Clients order concurrently as the app role, psql printing each order's id
# once its call returned; the primary is killed with kill -9 mid-rush (the
# postmaster stopped, its children killed, then it) and the standby
# promoted.  Every acknowledged order is there with its lines, stock + sold
# is conserved, verify() is empty (failover.sql), each client's in-flight
# call retried with its request key gives exactly one order, new orders
# succeed at once with new ids, and every sequence is past its column's ids.
use strict;
use warnings FATAL => 'all';

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FoodorderTest;
use FoodorderStandby;

my $clients = $ENV{STANDBY_CLIENTS} // 16;
my $rush    = $ENV{STANDBY_RUSH}    // 400;
my $calls   = $ENV{STANDBY_CALLS}   // 5000;
my $work    = PostgreSQL::Test::Utils::tempdir;

my ($primary, $standby) = primary_and_standby();
sub P { return $primary->safe_psql($db, $_[0]); }
sub S { return $standby->safe_psql($db, $_[0], $_[1] ? (connstr => as_role($standby, $db, $_[1])) : ()); }

# Call I of client N: request key kN-I for customer and dish order_of(N, I),
# 1 portion of the hot dish 1 and 2 of the other.
sub order_of
{
	my ($n, $i) = @_;
	return (($n * 7919 + $i * 104729) % $customers + 1, ($n * 31 + $i * 17) % $dishes + 2);
}
sub call
{
	my ($n, $i) = @_;
	my ($c, $d) = order_of($n, $i);
	return "foodorder.place_order($c, ARRAY[1, $d], ARRAY[1, 2], request_key => 'k$n-$i')";
}

my $before = P("SELECT count(*) FROM foodorder.orders");
# psql prints "id customer dish key" only after the call returned, that
# is after the commit was flushed on the standby.
my @clients;
for my $n (1 .. $clients)
{
	open my $sql, '>', "$work/client.$n.sql" or die $!;
	for my $i (1 .. $calls)
	{
		my ($c, $d) = order_of($n, $i);
		print $sql "SELECT " . call($n, $i) . ", $c, $d, 'k$n-$i';\n";
	}
	close $sql;
	push @clients, start_client($primary, $db, 'web', "$work/client.$n.sql",
		"$work/acked.$n", "$work/client.$n.err");
}

my $t0 = time;
$primary->poll_query_until($db, "SELECT count(*) >= " . ($before + $rush) . " FROM foodorder.orders")
  or BAIL_OUT("the rush did not place $rush orders");
my $running = running(@clients);
my $sync_state = $primary->safe_psql('postgres',
	"SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby'");
check($running == $clients && $sync_state eq 'sync', "rush: clients ordering at the kill, standby synchronous",
	"$running of $clients clients, $rush orders in " . (time - $t0) . "s, sync_state $sync_state");

check(1, "primary killed with kill -9", crash($primary));

# The clients lose their connections and stop.
finish_clients(@clients);
my @acked = map { split /\n/, slurp_file("$work/acked.$_") } 1 .. $clients;
my %errors;
for my $n (1 .. $clients)
{
	$errors{ s/^psql:\S+: //r =~ s/\d+/N/gr }++ for split /\n/, slurp_file("$work/client.$n.err");
}
note "rush: " . scalar(@acked) . " orders acknowledged, clients' errors: "
  . (join(';', map { "$errors{$_} $_" } grep { defined } (sort { $errors{$b} <=> $errors{$a} } keys %errors)[ 0 .. 3 ]) || 'none');

$t0 = time;
$standby->promote;
$standby->poll_query_until('postgres', "SELECT pg_is_in_recovery()", 'f')
  or BAIL_OUT('the standby did not leave recovery');
check(1, "standby promoted", "out of recovery in " . (time - $t0) . "s");

# failover.sql reads the acknowledged orders from its standard input.
open my $acked, '>', "$work/acked" or die $!;
print $acked map { "$_\n" } @acked;
close $acked;
my ($out, $err) = ('', '');
IPC::Run::run([ 'psql', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', $standby->connstr($db),
		'-f', "$here/failover.sql" ],
	'<', "$work/acked", '>', \$out, '2>', \$err, IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
my @rows = grep { /^(PASS|FAIL)\|/ } split /\n/, $out;
for (@rows)
{
	my ($verdict, $what, $numbers) = split /\|/, $_, 3;
	check($verdict eq 'PASS', $what, $numbers);
}
check(0, "failover.sql ran to the end", $err) if $? != 0 || @rows != 4;

# Each client's last call, the one after its last acknowledged one, was in
# flight at the kill: it may have committed or not, and the client cannot
# know.  Retried with its request key on the promoted standby it must give
# exactly one order: the one that committed, or a new one.
my @inflight;
for my $n (1 .. $clients)
{
	my @lines = split /\n/, slurp_file("$work/acked.$n");
	my $last = @lines && $lines[-1] =~ / k\d+-(\d+)$/ ? $1 : 0;
	push @inflight, [ $n, $last + 1 ];
}
my $keys = join ',', map { "'k$_->[0]-$_->[1]'" } @inflight;
my $by_key = "SELECT request_key, id FROM foodorder.orders WHERE request_key IN ($keys)";
my %committed = map { split /\|/ } split /\n/, S($by_key);
my ($ret, $retried_out, $retried_err) = $standby->psql($db,
	join('', map { "SELECT 'k$_->[0]-$_->[1]', " . call(@$_) . ";\n" } @inflight),
	connstr => as_role($standby, $db, 'web'), on_error_stop => 0);
my %retried = map { split /\|/ } split /\n/, $retried_out;
my %after = map { split /\|/ } split /\n/, S($by_key);
my $lines_off = S("SELECT count(*) FROM foodorder.orders o
                    WHERE o.request_key IN ($keys)
                      AND (SELECT array_agg(i.quantity ORDER BY i.dish_id) FROM foodorder.order_item i
                            WHERE i.order_id = o.id) IS DISTINCT FROM ARRAY[1, 2]");
my $had = keys %committed;
# the ids the retries returned of the orders that had committed
my $changed = grep { ($retried{$_} // '') ne $committed{$_} } keys %committed;
my $same = keys %after == keys %retried && !grep { ($retried{$_} // '') ne $after{$_} } keys %after;
my $numbers = "$clients calls: $had had committed (the retry returned that order), " . ($clients - $had)
  . " placed by the retry; $changed other ids, $lines_off with other lines";
$numbers .= "; retries gave: " . join(';', map { "$_ $retried{$_}" } (sort keys %retried)[ 0 .. 2 ])
  . "; " . (split /\n/, $retried_err)[0] // '' unless $same;
check($same && keys %after == $clients && $changed == 0 && $lines_off == 0,
	"in-flight calls retried with their request key give exactly one order each", $numbers);

# Ordering goes on at once: the app role orders, cancels, adds a customer.
my $max_before = S("SELECT max(id) FROM foodorder.orders");
my ($new_ret, $new_out, $new_err) = $standby->psql($db,
	join('', map { "SELECT foodorder.place_order($_, ARRAY[1, " . ($_ % $dishes + 2) . "], ARRAY[1, 1]);\n" } 1 .. 20),
	connstr => as_role($standby, $db, 'web'), on_error_stop => 0);
my @new_ids = sort { $a <=> $b } grep { /^\d+$/ } split /\n/, $new_out;
my (undef, $cancelled) = $standby->psql($db, "SELECT foodorder.cancel_order(" . ($new_ids[-1] // 0) . ")",
	connstr => as_role($standby, $db, 'web'));
my (undef, $customer) = $standby->psql($db, "SELECT foodorder.add_customer('After the failover')",
	connstr => as_role($standby, $db, 'web'));
check(@new_ids == 20 && $new_ids[0] > $max_before && $cancelled eq 't'
	  && $customer =~ /^\d+$/ && $customer > $customers,
	"ordering continues on the promoted standby",
	scalar(@new_ids) . " of 20 orders placed, ids " . ($new_ids[0] // '?') . ".." . ($new_ids[-1] // '?')
	  . " after $max_before; cancel: $cancelled; new customer $customer"
	  . (@new_ids == 20 ? '' : "; " . join(' ', (split /\n/, $new_err)[ 0 .. 1 ])));

# No sequence hands out an id its table already has: each sequence owned by
# a column of the extension's tables is at or past that column's largest id.
my ($sequences, $behind) = split /\|/, S(q{
    SELECT count(*), coalesce(string_agg(s.oid::regclass || '=' || coalesce(pg_sequence_last_value(s.oid), 0)
                                         || '<' || m.max, ',') FILTER (WHERE m.max > coalesce(pg_sequence_last_value(s.oid), 0)), '')
      FROM pg_depend d
      JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
      JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
     CROSS JOIN LATERAL (SELECT (xpath('/row/m/text()', query_to_xml(format(
                'SELECT max(%I) AS m FROM %s', a.attname, d.refobjid::regclass), false, true, '')))[1]::text::bigint AS max) m
     WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
       AND d.deptype IN ('a', 'i') AND s.relnamespace = 'foodorder'::regnamespace}), -1;
check($sequences > 0 && $behind eq '', "every sequence of the extension is past its column's largest id",
	"$sequences sequences" . ($behind ? "; behind: $behind" : ''));

done_testing();
