from ties.cli import main

main()
