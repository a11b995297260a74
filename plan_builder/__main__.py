from plan_builder.cli import main

raise SystemExit(main())
