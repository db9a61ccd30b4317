"""Tests of the contract layer: protocol files, clients, loopback servers."""
