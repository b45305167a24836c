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
# list and in relfrozenxid updates by the names from OIDMAP, and the value
# a timestamp column added by ALTER TABLE got for rows that existed then.
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

while (my $line = <STDIN>) {
    next if $line =~ /binary_upgrade_set_next_/;
    next if $line =~ /^SELECT pg_catalog\.setval\(/;
    next if $line =~ /^-- Dumped (from|by) /;
    next if $line =~ /^\\(un)?restrict /;    # psql's random key (pg_dump 15.14 on)
    $line =~ s/relfrozenxid = '\d+', relminmxid = '\d+'/relfrozenxid = <xid>, relminmxid = <mxid>/;
    $line =~ s/^WHERE oid = '(\d+)';/"WHERE oid = '" . name_of($1) . "';"/e;
    if ($line =~ /binary_upgrade_create_empty_extension/) {
        $line =~ s/'\{([\d,]*)\}'/"'{" . join(',', map { name_of($_) } split(m{,}, $1)) . "}'"/e;
    }
    if ($line =~ /binary_upgrade_set_missing_value/) {
        $line =~ s/'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?([+-]\d\d(:\d\d)?)?'/'<time of ALTER TABLE>'/g;
    }
    print $line;
}
