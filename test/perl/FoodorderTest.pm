# What the crash and standby TAP tests (test/crash/t, test/standby/t) share
# on top of PostgreSQL::Test::Cluster: one check line with its numbers, a
# crash that stops every server process at once, clients ordering
# concurrently through psql, and a call's SQLSTATE.
package FoodorderTest;

use strict;
use warnings FATAL => 'all';

use Exporter 'import';
use IPC::Run;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

our @EXPORT = qw(check crash wait_for as_role start_client running finish_clients outcome);

# check OK WHAT NUMBERS: one TAP test, named like the suites' PASS lines.
sub check
{
	my ($ok, $what, $numbers) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	return ok($ok, defined $numbers && $numbers ne '' ? "$what: $numbers" : $what);
}

# wait_for WHAT CODE: call CODE every 0.1 s until it returns true, at most
# timeout_default seconds; die naming WHAT after that.
sub wait_for
{
	my ($what, $code) = @_;
	my $deadline = time + $PostgreSQL::Test::Utils::timeout_default;
	until ($code->())
	{
		die "gave up after $PostgreSQL::Test::Utils::timeout_default s waiting for $what\n"
		  if time > $deadline;
		usleep(100_000);
	}
	return;
}

# crash NODE: the server dies as in a power cut, no process going on after
# the others: the postmaster is stopped (SIGSTOP) so it forks nothing
# more, its children are SIGKILLed, then the postmaster ($node->kill9).
# Returns "postmaster PID, N children" once none of them is left.
sub crash
{
	my ($node) = @_;
	my $pid = $node->{_pid} or die "node " . $node->name . " is not running\n";
	kill 'STOP', $pid;
	my @children = children_of($pid);
	kill 'KILL', @children;
	$node->kill9;
	wait_for("the processes of " . $node->name . " to go",
		sub { !grep { kill 0, $_ } $pid, @children });
	return "postmaster $pid, " . scalar(@children) . " children";
}

sub children_of
{
	my ($parent) = @_;
	my @children;
	for my $stat (glob '/proc/[0-9]*/stat')
	{
		open my $fh, '<', $stat or next;    # gone meanwhile
		my $line = <$fh> // next;
		# pid (comm) state ppid ...: comm may hold spaces
		push @children, $1 if $line =~ /^(\d+) \(.*\) \S+ (\d+) / && $2 == $parent;
	}
	return @children;
}

# as_role NODE DB ROLE: the connection string of ROLE on DB, for psql's
# connstr parameter.
sub as_role
{
	my ($node, $db, $role) = @_;
	return $node->connstr($db) . " user=$role";
}

# start_client NODE DB ROLE SQLFILE OUT ERR: psql running SQLFILE as ROLE
# in the background, each statement in autocommit and no stop at an error
# (refusals are part of a rush), its output and errors going to files.
# psql prints a call's result only once the call returned, that is once its
# commit was acknowledged.  Files, not BackgroundPsql: a BackgroundPsql's
# input and output move only while the test pumps that one session, and
# these sessions must stream thousands of calls while the test polls the
# server.
sub start_client
{
	my ($node, $db, $role, $sql, $out, $err) = @_;
	return IPC::Run::start(
		[ $node->installed_command('psql'), '-X', '-q', '-At', '-F', ' ',
		  '-d', as_role($node, $db, $role), '-f', $sql ],
		'<', '/dev/null', '>', $out, '2>', $err);
}

# running CLIENTS...: how many of them have not exited.
sub running
{
	my $n = 0;
	for my $client (@_)
	{
		eval { $client->pump_nb } if $client->pumpable;    # reaps an exited one
		$n++ if $client->pumpable;
	}
	return $n;
}

# finish_clients CLIENTS...: wait (bounded) until they exited, reap them.
sub finish_clients
{
	my @clients = @_;
	wait_for("the clients to exit", sub { running(@clients) == 0 });
	$_->finish for @clients;
	return;
}

# outcome NODE DB ROLE SQL: "SQLSTATE message" of SQL's last statement,
# 00000 when it worked, in a new session.
sub outcome
{
	my ($node, $db, $role, $sql) = @_;
	my ($ret, $out) = $node->psql($db,
		"\\o /dev/null\n$sql;\n\\o\n\\echo :SQLSTATE :LAST_ERROR_MESSAGE",
		connstr => as_role($node, $db, $role), on_error_stop => 0,
		timeout => $PostgreSQL::Test::Utils::timeout_default);
	return $out;
}

1;
