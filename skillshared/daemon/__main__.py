from skillshared.daemon.main import main

raise SystemExit(main())
