#!/bin/sh
echo ok ‮# hidden‬
