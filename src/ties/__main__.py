from ties.launch import main

main()
