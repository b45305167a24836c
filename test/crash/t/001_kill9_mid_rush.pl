# foodorder crash test: kill -9 the server in the middle of an order rush,
# restart it on the same data directory (crash recovery), and check that
# every order and cancel a client saw acknowledged is still there, that the
# books balance, and that ordering works at once.  Run by test/crash/run.
#
# Settings (environment):
#   CRASH_ROUNDS       crash and recovery rounds, checked after each   (2)
#   CRASH_CLIENTS      concurrent psql clients                         (8)
#   CRASH_MIN_ORDERS   orders committed in a round before the kill     (200)
#   CRASH_ITERATIONS   orders in each client's script, enough that no
#                      client is done before the kill                  (5000)
#   CRASH_SYNCHRONOUS_COMMIT  the server's synchronous_commit; off shows
#                      the checks catch lost orders (they fail)        (on)
#
# Each client is one psql session of the app role (foodorder.grant_app) in
# autocommit, running client.awk's script: orders of the hot dish 1 plus up
# to two others, every 10th from the cart, every 4th cancelled right after.
# Dish 1 is hot (foodorder.set_hot): orders take its portions from its
# slots, and cancels lock it whole and spread its stock over them again;
# after recovery it must still be hot with its 64 slots, and its stock and
# sold are read from foodorder.menu (its row's stock is 0).  psql prints a
# call's line only once the call returned, that is once its commit was
# acknowledged; those lines are what must survive.  The kill comes when a
# poll of the server sees enough orders committed, never after a fixed
# sleep.  10 checks a round.
use strict;
use warnings FATAL => 'all';

use FindBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FoodorderTest;

my $rounds             = $ENV{CRASH_ROUNDS}             // 2;
my $clients            = $ENV{CRASH_CLIENTS}            // 8;
my $min_orders         = $ENV{CRASH_MIN_ORDERS}         // 200;
my $iterations         = $ENV{CRASH_ITERATIONS}         // 5000;
my $synchronous_commit = $ENV{CRASH_SYNCHRONOUS_COMMIT} // 'on';
my $customers_per_client = 10;
my $db   = 'foodorder_crash';
my $app  = 'foodorder_crash_app';
my $here = "$FindBin::RealBin/..";
my $work = PostgreSQL::Test::Utils::tempdir;

# Durable, unlike the framework's default (fsync off): what this tests.
my $node = PostgreSQL::Test::Cluster->new('crash');
$node->init;
$node->append_conf('postgresql.conf', qq(
fsync = on
full_page_writes = on
synchronous_commit = $synchronous_commit
max_connections = 50
log_statement = none
log_min_messages = warning
));
$node->start;

my $settings = $node->safe_psql('postgres',
	"SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings
	  WHERE name IN ('fsync', 'full_page_writes', 'synchronous_commit')");
note "$rounds rounds, $clients clients, kill after $min_orders orders per round; $settings";
$settings eq "fsync=on full_page_writes=on synchronous_commit=$synchronous_commit"
  or BAIL_OUT("the cluster is not durable: $settings");

$node->safe_psql('postgres', "CREATE DATABASE $db");
$node->safe_psql($db, "\\set customers " . $clients * $customers_per_client
	  . "\n\\set app_role $app\n\\i $here/setup.sql");

sub control_state
{
	my $out = `pg_controldata '${\$node->data_dir}'`;
	return $out =~ /^Database cluster state:\s*(.*)$/m ? $1 : '?';
}

sub hot_state
{
	return split ' ', $node->safe_psql($db,
		"SELECT m.stock, m.sold, sum(s.stock), m.hot
		   FROM foodorder.menu m JOIN foodorder.dish_slot s ON s.dish_id = m.id
		  WHERE m.id = 1 GROUP BY m.stock, m.sold, m.hot",
		extra_params => [ '-F', ' ' ]);
}

for my $round (1 .. $rounds)
{
	note "round $round";
	my @clients;
	for my $k (0 .. $clients - 1)
	{
		my $sql = "$work/client-$round-$k.sql";
		system_or_bail("awk -v client=$k -v round=$round -v iterations=$iterations"
			  . " -v customers_per_client=$customers_per_client -f '$here/client.awk' > '$sql'");
		push @clients, start_client($node, $db, $app, $sql,
			"$work/client-$round-$k.out", "$work/client-$round-$k.err");
	}

	# The kill comes once the server shows enough orders of this round.
	my $seen = 0;
	my $started = time;
	wait_for("$min_orders orders of round $round", sub {
		running(@clients) > 0 or die "every client of round $round ended before the rush was under way\n";
		my ($ret, $out) = $node->psql($db,
			"SELECT count(*) FROM foodorder.orders WHERE request_key LIKE 'r${round}k%'");
		$seen = $out if $ret == 0;
		return $seen >= $min_orders;
	});
	my $rush_seconds = time - $started;
	my $running = running(@clients);
	my $killed = crash($node);
	my $state = control_state();
	check($running == $clients && $state eq 'in production', "round $round: killed mid-rush",
		"$seen orders committed at the poll after ${rush_seconds}s: $killed killed"
		  . " with $running of $clients clients running; cluster state '$state'");

	# The clients lose their connections and exit.
	finish_clients(@clients);

	$node->start(fail_ok => 1) or BAIL_OUT("the server did not start after the crash");
	$state = control_state();
	check($state eq 'in production', "round $round: restarted after crash recovery",
		"cluster state '$state'");

	# What the clients saw acknowledged, all rounds so far, as COPY input.
	open my $orders,  '>', "$work/ack_order.tsv"  or die $!;
	open my $cancels, '>', "$work/ack_cancel.tsv" or die $!;
	my ($refused, %unexpected) = (0);
	for my $file (sort glob "$work/client-*.out")
	{
		for (split /\n/, slurp_file($file))
		{
			my @f = split ' ' or next;
			print $orders "$f[1]\t$f[2]\t{$f[3]}\t{$f[4]}\n" if $f[0] eq 'P';
			print $cancels "$f[1]\t$f[2]\n"                   if $f[0] eq 'C';
		}
	}
	close $orders;
	close $cancels;
	# The clients' errors: refusals of the scarce dish (OR001) are part of
	# a rush, and so is the crash itself (a backend that sees the
	# postmaster gone before its own SIGKILL arrives says so); anything
	# else (a deadlock, an internal error) is not.
	for my $file (glob "$work/client-$round-*.err")
	{
		for (split /\n/, slurp_file($file))
		{
			next unless /ERROR|FATAL|PANIC/;
			if (/ERROR:  insufficient stock/) { $refused++; next; }
			next if /FATAL:  terminating connection due to unexpected postmaster exit/;
			s/^psql:\S* //;
			$unexpected{$_}++;
		}
	}
	my @worst = (sort { $unexpected{$b} <=> $unexpected{$a} } keys %unexpected)[ 0 .. 2 ];
	check(!%unexpected, "round $round: no error in the rush but refusals",
		%unexpected
		? join(' ', map { "$unexpected{$_} $_" } grep { defined } @worst)
		: "$refused refused with OR001");

	# check.sql's six checks, one "PASS|what|numbers" row each.
	my ($ret, $out, $err) = $node->psql($db,
		"CREATE TEMP TABLE ack_order (id bigint, kind text, dishes bigint[], quantities integer[]);
		 CREATE TEMP TABLE ack_cancel (id bigint, result boolean);
		 \\copy ack_order FROM '$work/ack_order.tsv'
		 \\copy ack_cancel FROM '$work/ack_cancel.tsv'
		 \\i $here/check.sql");
	my @rows = grep { /^(PASS|FAIL)\|/ } split /\n/, $out;
	for (@rows)
	{
		my ($verdict, $what, $numbers) = split /\|/, $_, 3;
		check($verdict eq 'PASS', "round $round: $what", $numbers);
	}
	check(0, "round $round: check.sql ran to the end", $err) if $ret != 0 || @rows != 6;

	# Ordering works at once: the app role's first calls succeed, with new
	# ids, and their portions of the hot dish come out of its slots.
	my ($stock_before, $sold_before, $slots_before) = hot_state();
	my $max_before = $node->safe_psql($db, "SELECT coalesce(max(id), 0) FROM foodorder.orders");
	my $calls = join '', map {
		sprintf "SELECT foodorder.place_order(%d, ARRAY[1, %d], ARRAY[1, 1], request_key => 'after$round-$_');\n",
		  ($_ % ($clients * $customers_per_client)) + 1, ($_ % 18) + 2
	} 1 .. 20;
	($ret, $out, $err) = $node->psql($db, $calls, connstr => as_role($node, $db, $app));
	if ($ret == 0)
	{
		my @ids = sort { $a <=> $b } split /\n/, $out;
		my %distinct = map { $_ => 1 } @ids;
		my ($stock_after, $sold_after, $slots_after, $hot_after) = hot_state();
		my $numbers = "hot dish 1 (hot: $hot_after): stock $stock_before -> $stock_after, sold $sold_before -> $sold_after, in its slots $slots_before -> $slots_after";
		check(keys %distinct == 20 && $ids[0] > $max_before && $hot_after eq 't'
			  && $stock_before - $stock_after == 20 && $sold_after - $sold_before == 20
			  && $slots_before - $slots_after == 20,
			"round $round: ordering works at once after restart",
			scalar(keys %distinct) . " new orders, ids $ids[0]..$ids[-1], all above $max_before; $numbers");
	}
	else
	{
		check(0, "round $round: ordering works at once after restart", (split /\n/, $err)[0]);
	}
}

$node->stop;
# per round: killed, restarted, client errors, 6 in check.sql, ordering after
done_testing($rounds * 10);
