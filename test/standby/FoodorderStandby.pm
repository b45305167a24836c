# test/standby's TAP tests both start with this: a primary whose every
# commit waits for its hot standby (synchronous_standby_names), the standby
# streaming from it (PostgreSQL::Test::Cluster's backup and
# init_from_backup with has_streaming), and database foodorder_standby made
# by setup.sql and calls.sql as the owner, then $STANDBY_EXTRA_SQL (a .sql
# file, say one that breaks a policy or a function to see the checks catch
# it).
package FoodorderStandby;

use strict;
use warnings FATAL => 'all';

use Exporter 'import';
use FindBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

our @EXPORT = qw(primary_and_standby $db $dishes $customers $here);

our $db        = 'foodorder_standby';
our $dishes    = 20;    # restaurant 1's besides the hot dish 1
our $customers = 50;
our $here      = "$FindBin::RealBin/..";

sub primary_and_standby
{
	my $primary = PostgreSQL::Test::Cluster->new('primary');
	$primary->init(allows_streaming => 1);
	# (allows_streaming's max_connections = 10 is too few for a rush)
	$primary->append_conf('postgresql.conf', qq(
max_connections = 50
shared_buffers = 128MB
synchronous_commit = on
synchronous_standby_names = 'standby'
log_statement = none
log_min_messages = warning
));
	$primary->start;
	$primary->backup('base');

	# The standby's application_name is its cluster_name, "standby".  No
	# synchronous standby of its own, or once promoted it would wait for
	# itself on every commit.
	my $standby = PostgreSQL::Test::Cluster->new('standby');
	$standby->init_from_backup($primary, 'base', has_streaming => 1);
	$standby->append_conf('postgresql.conf', "synchronous_standby_names = ''");
	$standby->start;
	$primary->poll_query_until('postgres',
		"SELECT state FROM pg_stat_replication WHERE application_name = 'standby'", 'streaming')
	  or BAIL_OUT('the standby does not stream');

	$primary->safe_psql('postgres', "CREATE DATABASE $db");
	$primary->safe_psql($db,
		"\\set dishes $dishes\n\\set customers $customers\n\\i $here/setup.sql\n\\i $here/calls.sql");
	$primary->safe_psql($db, "\\i $ENV{STANDBY_EXTRA_SQL}") if $ENV{STANDBY_EXTRA_SQL};
	return ($primary, $standby);
}

1;
