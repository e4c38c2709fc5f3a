from voice_coach.cli import main

main()
