from codegen.launch import main

main()
