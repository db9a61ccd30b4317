from wanspec.cli.main import main

main()
