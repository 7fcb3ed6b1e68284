#!/bin/sh
env > /tmp/e
