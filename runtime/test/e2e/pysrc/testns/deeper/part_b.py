NAME = 'testns.deeper.part_b'
