from voice_coach.cli.main import main

main()
