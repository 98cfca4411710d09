from biascmp.cli import main

main()
