#!/usr/bin/perl
# Normalize a pg_dump --schema-only --binary-upgrade of a database with
# foodorder installed, so that two databases built by the same statements
# dump the same text:
#
#   normalize-dump.pl OIDMAP < dump.sql > normalized.sql
#
# OIDMAP has lines "oid<TAB>name" (test/upgrade/run makes it from the
# database dumped).  Dropped: the OIDs and relfilenodes pg_upgrade preserves
# (binary_upgrade_set_next_*, including this server's attribute versions),
# sequence values (data, not schema), the dump's version header and its
# \restrict key.
# Replaced: relfrozenxid/relminmxid, OIDs in the extension's config table
# list and in relfrozenxid updates by the names from OIDMAP.
# Also dropped: the missing values (binary_upgrade_set_missing_value), what
# rows older than an ALTER TABLE ... ADD COLUMN read in it; a fresh install
# makes the table whole with no such rows (see catalog.sql).
use strict;
use warnings;

my %name;
open(my $map, '<', $ARGV[0]) or die "$ARGV[0]: $!";
while (<$map>) {
    chomp;
    my ($oid, $n) = split /\t/;
    $name{$oid} = $n;
}
close $map;

sub name_of { my $oid = shift; return $name{$oid} // "<unknown oid $oid>"; }

my $blank_to_drop = 0;
while (my $line = <STDIN>) {
    # "-- set missing value.", the call, then two blank lines
    if ($line =~ /^-- set missing value\.$/ || $line =~ /binary_upgrade_set_missing_value/) {
        $blank_to_drop = 2;
        next;
    }
    if ($blank_to_drop > 0 && $line eq "\n") {
        $blank_to_drop--;
        next;
    }
    $blank_to_drop = 0;
    next if $line =~ /binary_upgrade_set_next_/;
    next if $line =~ /^SELECT pg_catalog\.setval\(/;
    next if $line =~ /^-- Dumped (from|by) /;
    next if $line =~ /^\\(un)?restrict /;    # psql's random key (pg_dump 15.14 on)
    $line =~ s/relfrozenxid = '\d+', relminmxid = '\d+'/relfrozenxid = <xid>, relminmxid = <mxid>/;
    $line =~ s/^WHERE oid = '(\d+)';/"WHERE oid = '" . name_of($1) . "';"/e;
    if ($line =~ /binary_upgrade_create_empty_extension/) {
        $line =~ s/'\{([\d,]*)\}'/"'{" . join(',', map { name_of($_) } split(m{,}, $1)) . "}'"/e;
    }
    print $line;
}
