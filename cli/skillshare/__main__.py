from skillshare.main import main

raise SystemExit(main())
