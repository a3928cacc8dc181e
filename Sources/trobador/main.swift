await Trobador.main()
