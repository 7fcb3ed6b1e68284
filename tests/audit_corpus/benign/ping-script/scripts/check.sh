#!/bin/sh
ping -c1 ${HOST}
