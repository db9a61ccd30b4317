from wanspec.cli.fast import main

main()
